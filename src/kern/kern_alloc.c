/* kern_alloc.c: to be written (see the issue that owns it). */
