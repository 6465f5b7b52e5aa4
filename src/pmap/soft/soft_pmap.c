/* soft_pmap.c: to be written (see the issue that owns it). */
