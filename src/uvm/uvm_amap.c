/* uvm_amap.c: to be written (see the issue that owns it). */
