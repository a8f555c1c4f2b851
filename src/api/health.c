/* GET /healthz: the server answers and its database is readable. */
#include "lib/common.h"
#include "api/app.h"
#include "api/handlers.h"

enum sh_code api_health(struct api_request *req, struct api_response *res, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(req->app->store, &c, err);

	if (rc)
		return rc;
	store_read_end(c);
	return api_reply_json_new(res, 200, json_pack("{s:s}", "status", "ok"));
}
