/*
 * h_machine.h: helpers shared by the ATF test programs.
 */
#ifndef _TESTS_H_MACHINE_H_
#define _TESTS_H_MACHINE_H_

#include <atf-c.h>
#include <uvm/uvm.h>

/* Boot a machine of `ramsize' bytes with `pagesize' pages (0: defaults). */
void	h_boot(psize_t ramsize, unsigned int pagesize);
/* Boot a fully described machine; fails the test case if boot fails. */
void	h_boot_machine(const struct uvm_machine *);
void	h_shutdown(void);

/*
 * Run every invariant checker that exists (physical layer, kernel map,
 * and `map' if not NULL) and fail the test case, naming the caller's
 * file and line, if one reports a violation.
 */
#define H_CHECK(map)	h_check((map), __FILE__, __LINE__)
void	h_check(struct vm_map *, const char *, int);

/*
 * Expect a panic (a KASSERT or an explicit panic()) from `expr'.
 * Evaluates to true if it panicked; the machine's state afterwards is
 * unspecified, so a test case should end after it.
 */
#include <setjmp.h>
extern jmp_buf h_panic_jmp;
extern char h_panic_msg[512];
void	h_panic_catch(void);
void	h_panic_release(void);
#define H_PANICS(expr) __extension__({ \
	volatile bool _p = false; \
	h_panic_catch(); \
	if (setjmp(h_panic_jmp) == 0) { expr; } else { _p = true; } \
	h_panic_release(); \
	_p; })

#endif /* _TESTS_H_MACHINE_H_ */
