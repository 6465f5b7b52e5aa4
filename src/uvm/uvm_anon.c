/* uvm_anon.c: to be written (see the issue that owns it). */
