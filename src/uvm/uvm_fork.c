/* uvm_fork.c: to be written (see the issue that owns it). */
