#include "lib/common.h"
#include <pthread.h>
#include "api/inflight.h"

struct entry {
	int64_t user_id;
	struct entry *next;
	char key[];
};

struct inflight {
	pthread_mutex_t mu;
	struct entry *head;
};

struct inflight *inflight_new(void)
{
	struct inflight *f = calloc(1, sizeof(*f));

	if (f)
		pthread_mutex_init(&f->mu, NULL);
	return f;
}

void inflight_free(struct inflight *f)
{
	if (!f)
		return;
	while (f->head) {
		struct entry *e = f->head;
		f->head = e->next;
		free(e);
	}
	pthread_mutex_destroy(&f->mu);
	free(f);
}

bool inflight_enter(struct inflight *f, int64_t user_id, const char *key)
{
	size_t n = strlen(key);
	struct entry *e;

	pthread_mutex_lock(&f->mu);
	for (e = f->head; e; e = e->next) {
		if (e->user_id == user_id && !strcmp(e->key, key)) {
			pthread_mutex_unlock(&f->mu);
			return false;
		}
	}
	e = malloc(sizeof(*e) + n + 1);
	if (e) {
		e->user_id = user_id;
		memcpy(e->key, key, n + 1);
		e->next = f->head;
		f->head = e;
	}
	pthread_mutex_unlock(&f->mu);
	return true;
}

void inflight_leave(struct inflight *f, int64_t user_id, const char *key)
{
	pthread_mutex_lock(&f->mu);
	for (struct entry **pp = &f->head; *pp; pp = &(*pp)->next) {
		if ((*pp)->user_id == user_id && !strcmp((*pp)->key, key)) {
			struct entry *e = *pp;
			*pp = e->next;
			free(e);
			break;
		}
	}
	pthread_mutex_unlock(&f->mu);
}

enum sh_code inflight_check_key(const char *key, struct sh_error *err)
{
	size_t n = strlen(key);

	if (!n || n > 200)
		return sh_error_field(err, SH_EBADREQ, "Idempotency-Key",
				      "must be 1 to 200 characters (e.g. a UUID)");
	for (const char *p = key; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return sh_error_field(err, SH_EBADREQ, "Idempotency-Key",
					      "must be printable ASCII without spaces");
	return SH_OK;
}
