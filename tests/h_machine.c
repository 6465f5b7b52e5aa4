/*
 * h_machine.c: helpers shared by the ATF test programs: booting machines,
 * running the invariant checkers, catching panics.
 */
#include "h_machine.h"

#include <stdio.h>

jmp_buf h_panic_jmp;
char h_panic_msg[512];

static void
h_panic_longjmp(const char *msg)
{
	snprintf(h_panic_msg, sizeof(h_panic_msg), "%s", msg);
	longjmp(h_panic_jmp, 1);
}

void
h_panic_catch(void)
{
	h_panic_msg[0] = '\0';
	kern_panic_set(h_panic_longjmp);
}

void
h_panic_release(void)
{
	kern_panic_set(NULL);
}

void
h_boot_machine(const struct uvm_machine *m)
{
	int error;

	error = uvm_machine_boot(m);
	ATF_REQUIRE_EQ_MSG(error, 0, "uvm_machine_boot: error %d", error);
}

void
h_boot(psize_t ramsize, unsigned int pagesize)
{
	struct uvm_machine m;

	uvm_machine_defaults(&m);
	if (ramsize != 0)
		m.m_ramsize = ramsize;
	if (pagesize != 0)
		m.m_pagesize = pagesize;
	m.m_quiet = true;
	h_boot_machine(&m);
}

void
h_shutdown(void)
{
	uvm_machine_shutdown();
}

void
h_check(struct vm_map *map, const char *file, int line)
{
	const char *why;

	why = uvm_page_check();
	if (why != NULL)
		atf_tc_fail("%s:%d: physical memory: %s", file, line, why);
	/*
	 * Some tests build swap states by hand (slots without owners,
	 * anons given a slot directly); they never run the pagedaemon.
	 * Once it has run, the slot accounting must be exact.
	 */
	why = uvm_pdaemon_check(uvmexp.pdwoke != 0);
	if (why != NULL)
		atf_tc_fail("%s:%d: swap slots: %s", file, line, why);
	if (kernel_map != NULL && (why = uvm_map_check(kernel_map)) != NULL)
		atf_tc_fail("%s:%d: kernel_map: %s", file, line, why);
	if (map != NULL && map != kernel_map &&
	    (why = uvm_map_check(map)) != NULL)
		atf_tc_fail("%s:%d: map %p: %s", file, line, (void *)map, why);
}
