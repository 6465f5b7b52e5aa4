/* uvm_pglist.c: to be written (see the issue that owns it). */
