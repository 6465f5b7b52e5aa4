/* uvm_km.c: to be written (see the issue that owns it). */
