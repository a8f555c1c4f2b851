#ifndef SH_HANDLERS_H
#define SH_HANDLERS_H
/* Every API handler, one group per resource file in api/. The route table is in http/routes.c. */
#include "api/api.h"

#define API_HANDLER(name) \
	enum sh_code name(struct api_request *req, struct api_response *res, struct sh_error *err)

API_HANDLER(api_health);

#endif
