/* kern_clock.c: to be written (see the issue that owns it). */
