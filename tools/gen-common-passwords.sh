#!/bin/sh
# Writes share/common-passwords.txt: passwords people pick that a guesser tries first,
# made here from well-known patterns (common words and names, keyboard walks, seasons,
# months, teams and places, local words like the county's agencies, their "leet"
# spellings, with the digit suffixes people add), not copied from any leaked list.
# Only entries of 8 characters or more are kept (a 12-character password can still be
# one of them padded with symbols, which are ignored),
# normalized as src/core/password.c compares them: lower case, '@' as 'a', '$' as 's', every
# other character that is not a letter or a digit dropped. Run again after editing.
set -eu
cd "$(dirname "$0")/.."
out=share/common-passwords.txt

words="password passw0rd p4ssw0rd pa55word pa55w0rd passwort motdepasse contrasena
qwerty qwertyuiop qwertyuiopasdf asdfghjkl asdfgh zxcvbnm qazwsx 1qaz2wsx 1qaz2wsx3edc
zaq12wsx zaq1xsw2 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 qweasdzxc
letmein letmein1 welcome welcome1 admin administrator root toor login access secret
changeme default guest master hello iloveyou trustno1 whatever freedom internet
computer monkey dragon shadow sunshine princess superman batman spiderman starwars
football baseball basketball soccer hockey golfer tennis lakers dodgers angels
chargers raiders rams clippers kings galaxy yankees cowboys steelers
michael jennifer jessica ashley charlie thomas daniel matthew joshua andrew
christopher anthony robert william elizabeth nicole amanda michelle
summer winter spring autumn january february march april june july august september
october november december monday tuesday wednesday thursday friday saturday sunday
california losangeles hollywood compton longbeach pasadena sacramento america
county sheriff police officer deputy detective probation advocate advocates welfare
childwelfare socialworker caseworker shelter medical hospital doctor nurse
prosecutor attorney district court justice safety safeharbor firstresponder
protocol victim youth family children student teacher school
abcdefg abcdefgh abc123 abcd1234 aa123456 a1b2c3d4 a1b2c3d4e5 iloveyou1 letmeinnow
welcometo changeit changemenow passwordpassword qwertyqwerty adminadmin"
suffixes=" 1 12 123 1234 12345 123456 1234567 12345678 01 007 69 99 100 123123 4321 54321
2000 2010 2015 2018 2019 2020 2021 2022 2023 2024 2025 2026 2027 2028"
prefixes="ilove"

{
	for w in $words; do
		for p in "" $prefixes; do
			for s in $suffixes ""; do
				echo "$p$w$s"
			done
		done
	done
	# each word twice, and pairs of a few of the commonest
	for a in password qwerty welcome admin letmein monkey dragon sunshine; do
		for b in password qwerty welcome admin letmein monkey dragon sunshine 123 1234; do
			echo "$a$b"
		done
	done
	# runs of digits and letters, and keyboard rows, of every length from 12 to 20
	awk 'BEGIN {
		d = "12345678901234567890123456789"; r = "09876543210987654321098765432"
		a = "abcdefghijklmnopqrstuvwxyz"; k = "qwertyuiopasdfghjklzxcvbnm"
		for (n = 12; n <= 20; n++) {
			for (i = 1; i <= 10; i++) { print substr(d, i, n); print substr(r, i, n) }
			for (i = 1; i + n - 1 <= 26; i++) { print substr(a, i, n); print substr(k, i, n) }
		}
	}'
} | awk '{
	s = tolower($0); gsub(/@/, "a", s); gsub(/\$/, "s", s); gsub(/[^a-z0-9]/, "", s)
	if (length(s) >= 8 && length(s) <= 64) print s
}' | LC_ALL=C sort -u >"$out"
echo "$out: $(wc -l <"$out") entries" >&2
