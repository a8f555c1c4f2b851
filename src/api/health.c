/*
 * GET|HEAD /healthz: the server answers (liveness).
 * GET /readyz: it can do its work (readiness): the database takes writes, the key file
 * is the database's, no schema migration is pending, the delivery worker goes round.
 * 503 problem+json naming each check that failed.
 */
#include "lib/common.h"
#include "api/app.h"
#include "api/handlers.h"
#include "api/keycheck.h"
#include "lib/log.h"
#include "notify/worker.h"

enum sh_code api_health(struct api_request *req, struct api_response *res, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(req->app->store, &c, err);

	if (rc)
		return rc;
	store_read_end(c);
	return api_reply_json_new(res, 200, json_pack("{s:s}", "status", "ok"));
}

/* An empty write through the group-commit writer: BEGIN IMMEDIATE takes the write lock,
 * so this fails when the file is read-only, the disk is gone or the writer is stuck. */
static enum sh_code nothing(struct store_conn *c, void *arg, struct sh_error *err)
{
	UNUSED(c);
	UNUSED(arg);
	UNUSED(err);
	return SH_OK;
}

API_HANDLER(api_ready)
{
	struct app *app = req->app;
	struct sh_error one = SH_ERROR_INIT;
	struct store_conn *c;
	json_t *checks = json_object();
	char why[160];
	int v, latest = store_schema_latest();
	bool key_ok = false;

	if (store_write(app->store, nothing, NULL, &one)) {
		log_warn("readyz: the database takes no writes: %s", one.detail);
		sh_error_field(err, SH_EUNAVAILABLE, "database",
			       "the database takes no writes (the server log says why)");
	} else
		json_object_set_new(checks, "database", json_string("ok"));
	sh_error_init(&one);
	if (!store_read_begin(app->store, &c, &one)) {
		key_ok = keycheck_current_matches(c, &app->keys);
		store_read_end(c);
	}
	if (!key_ok)
		sh_error_field(err, SH_EUNAVAILABLE, "key",
			       "the key file in use does not match the database's key check");
	else
		json_object_set_new(checks, "key", json_string("ok"));
	if ((v = store_schema_version(app->store)) != latest)
		sh_error_field(err, SH_EUNAVAILABLE, "schema",
			       "the database is at schema %d, this safeharbor writes %d", v,
			       latest);
	else
		json_object_set_new(checks, "schema", json_string("ok"));
	if (!notify_worker_alive(app->notifier, why, sizeof(why)))
		sh_error_field(err, SH_EUNAVAILABLE, "worker", "%s", why);
	else
		json_object_set_new(checks, "worker", json_string("ok"));
	if (err->nfields) {
		struct buf names = BUF_INIT;
		json_decref(checks);
		for (int i = 0; i < err->nfields; i++)
			buf_addf(&names, "%s%s", i ? ", " : "", err->fields[i].field);
		snprintf(err->detail, sizeof(err->detail), "not ready: %s failed", names.data);
		buf_release(&names);
		return err->code;
	}
	return api_reply_json_new(res, 200,
				  json_pack("{s:s,s:o}", "status", "ready", "checks", checks));
}
