/* uvm_page.c: to be written (see the issue that owns it). */
