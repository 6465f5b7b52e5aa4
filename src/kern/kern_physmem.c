/* kern_physmem.c: to be written (see the issue that owns it). */
