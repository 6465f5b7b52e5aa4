/* kern_subr.c: to be written (see the issue that owns it). */
