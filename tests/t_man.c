/*
 * t_man: every manual page under man/ is clean under mandoc -Tlint.
 */
#include "h_machine.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
lint_dir(const char *sect, int *npages)
{
	char dir[1024], cmd[2200];
	struct dirent *de;
	DIR *d;
	int bad = 0;

	snprintf(dir, sizeof(dir), "%s/man/%s", SRCDIR, sect);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 3 || de->d_name[n - 2] != '.')
			continue;
		snprintf(cmd, sizeof(cmd),
		    "mandoc -Tlint -Wwarning '%s/%s' >&2", dir, de->d_name);
		(*npages)++;
		if (system(cmd) != 0) {
			fprintf(stderr, "lint failed: %s\n", de->d_name);
			bad++;
		}
	}
	closedir(d);
	return bad;
}

ATF_TC_WITHOUT_HEAD(man_pages_lint_clean);
ATF_TC_BODY(man_pages_lint_clean, tc)
{
	int bad = 0, npages = 0;

	bad += lint_dir("man1", &npages);
	bad += lint_dir("man9", &npages);
	ATF_CHECK_MSG(npages > 0, "no manual pages found under %s/man", SRCDIR);
	ATF_CHECK_EQ_MSG(bad, 0, "%d of %d pages have lint warnings", bad,
	    npages);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, man_pages_lint_clean);
	return atf_no_error();
}
