/* kern_file.c: to be written (see the issue that owns it). */
