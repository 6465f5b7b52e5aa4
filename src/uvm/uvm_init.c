/* uvm_init.c: to be written (see the issue that owns it). */
