/* browser: placeholder until its tests land (no test counted). */
#include "suites.h"

Suite *browser_suite(void)
{
	return suite_create("browser");
}
