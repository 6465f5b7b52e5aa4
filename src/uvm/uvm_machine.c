/* uvm_machine.c: to be written (see the issue that owns it). */
