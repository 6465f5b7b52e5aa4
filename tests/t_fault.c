/* t_fault: to be written. */
#include "h_machine.h"

ATF_TC_WITHOUT_HEAD(placeholder);
ATF_TC_BODY(placeholder, tc)
{
	atf_tc_skip("not written yet");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, placeholder);
	return atf_no_error();
}
