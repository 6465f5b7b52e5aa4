/* uvm_fault.c: to be written (see the issue that owns it). */
