/*
 * uvmsim.h: the parts of uvmsim shared between its files.
 */
#ifndef _UVMSIM_H_
#define _UVMSIM_H_

/* The built-in workload: 0 if every verification passed. */
int	uvmsim_workload(void);

#endif /* _UVMSIM_H_ */
