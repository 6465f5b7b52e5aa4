/* soft_copy.c: to be written (see the issue that owns it). */
