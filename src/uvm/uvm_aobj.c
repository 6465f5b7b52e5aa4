/* uvm_aobj.c: to be written (see the issue that owns it). */
