/* uvm_glue.c: to be written (see the issue that owns it). */
