#include "lib/common.h"
#include "http/auth.h"

enum sh_code http_auth_check(struct api_request *req, struct principal **who,
			     struct sh_error *err)
{
	UNUSED(req);
	*who = NULL;
	return sh_error_set(err, SH_EUNAUTH, "sign in first");
}
