/* kern_lock.c: to be written (see the issue that owns it). */
