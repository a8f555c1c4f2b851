#ifndef SH_TRANSFER_H
#define SH_TRANSFER_H
/*
 * A case moves to another county (docs/operations.md "Transfer a case"): the whole case
 * (every compartment, since the receiving county's agencies take it over), its timeline,
 * its steps and the audit rows about it, sealed (libsodium crypto_box_seal) to the
 * receiving county's transfer key (lib/shcrypto.h shcrypto_transfer_keypair), so the file
 * is useless to anyone else. The receiver opens it with its own key file, re-seals every
 * value under its field key through the store's operations, keeps the case id, and checks
 * that its clocks and steps equal the sender's. Both sides audit the transfer.
 */
#include "api/app.h"

#define TRANSFER_FORMAT "safeharbor.case-transfer"

/* A county's transfer key, as `safeharbor transfer-key` prints it (128 hex characters):
 * the public key the cases sent to it are sealed to, then the public key the cases it
 * sends are signed with. Both halves are derived from its key file's oldest key. */
#define TRANSFER_KEY_HEX 128
struct transfer_key {
	unsigned char box[SHCRYPTO_TRANSFER_KEY_LEN];
	unsigned char sign[SHCRYPTO_TRANSFER_KEY_LEN];
};
void transfer_key_of(const struct shcrypto_keys *k, struct transfer_key *out);
void transfer_key_hex(const struct transfer_key *key, char out[TRANSFER_KEY_HEX + 1]);
/* false when hex is not 128 hex characters */
bool transfer_key_parse(const char *hex, struct transfer_key *out);

struct transfer_report {
	const char *case_id;
	const char *county; /* the other county (sending or receiving) as the file names it */
	size_t events, steps, audit_rows;
	char file_hash[65]; /* BLAKE2b-256 of the file, in both sides' audit rows */
};

/*
 * Writes the transfer file of case case_id at out (refused when it exists; mode 0600),
 * sealed to the receiving county's key and signed with this county's, then closes the
 * case here as moved_out_of_county and audits the transfer (one case.transfer_out row per
 * section the file carries). A closed case is refused. Everything in rep lives in a.
 */
enum sh_code transfer_export(struct app *app, const char *case_id, const char *from_county,
			     const char *to_county, const struct transfer_key *to_key,
			     const char *out, struct arena *a, struct transfer_report *rep,
			     struct sh_error *err);

/*
 * Imports the transfer file at in, signed by the county whose key is from_key (else
 * refused before it is opened) and sealed to this county's transfer key: the youth (found
 * by its blind index here, or new), the case under the same id, its agencies and timeline
 * with each sending agency replaced by this county's agency of the same kind (agencies:
 * NULL-terminated names chosen for their kinds, may be NULL; else the agency of that kind
 * serving the case's area, preferring its home area, then by name). Verifies in the same
 * transaction that the steps derived here equal the sender's at the moment of export
 * (else nothing is written) and audits it as case.transfer_in.
 */
enum sh_code transfer_import(struct app *app, const char *in, const struct transfer_key *from_key,
			     const char *const *agencies, struct arena *a,
			     struct transfer_report *rep, struct sh_error *err);

#endif
