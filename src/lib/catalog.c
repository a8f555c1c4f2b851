#include "lib/common.h"
#include "lib/catalog.h"
#include <jansson.h> /* JSON_INTEGER_FORMAT */

/* one entry a pair of lines, English then Spanish, so that a reader checks them side by
 * side (the file each comes from, to find it; tests/api/server-i18n.test.mjs checks them) */
/* clang-format off */
static const struct {
	const char *en, *es;
} es[] = {
	/* api/admin.c */
	{ "is required",
	  "es obligatorio" },
	/* api/admin.c */
	{ "must be %zu to %zu characters",
	  "debe tener de %zu a %zu caracteres" },
	/* api/admin.c */
	{ "must not contain control characters",
	  "no debe contener caracteres de control" },
	/* api/admin.c */
	{ "an area is 1 to 64 lowercase letters, digits, '_' or '-' (or '*' for all)",
	  "un área tiene de 1 a 64 letras minúsculas, dígitos, '_' o '-' (o '*' para todas)" },
	/* api/admin.c */
	{ "must be one of: %s",
	  "debe ser uno de: %s" },
	/* api/admin.c */
	{ "no such agency",
	  "no existe esa agencia" },
	/* api/admin.c */
	{ "must be 2 to 64 lowercase letters, digits, '.', '_' or '-'",
	  "debe tener de 2 a 64 letras minúsculas, dígitos, '.', '_' o '-'" },
	/* api/admin.c */
	{ "must be one of: member, supervisor, analyst, admin",
	  "debe ser uno de: member, supervisor, analyst, admin" },
	/* api/admin.c */
	{ "no such agency, or it is disabled",
	  "no existe esa agencia, o está desactivada" },
	/* api/admin.c */
	{ "nobody changes their own role or agency: another admin can",
	  "nadie cambia su propio rol ni su agencia: otro administrador puede hacerlo" },
	/* api/admin.c */
	{ "give what to change: role, agency_id, display_name, contact or sso_id",
	  "indique qué cambiar: role, agency_id, display_name, contact o sso_id" },
	/* api/admin.c */
	{ "the user is disabled",
	  "el usuario está desactivado" },
	/* api/admin.c */
	{ "must be a duration such as 30d, 12h or 2w, or a date YYYY-MM-DD, within the next 366 days",
	  "debe ser una duración como 30d, 12h o 2w, o una fecha AAAA-MM-DD, dentro de los próximos 366 días" },
	/* api/admin.c */
	{ "must be read (GET only), write (everything the role allows) or report (the report endpoints only)",
	  "debe ser read (solo GET), write (todo lo que el rol permite) o report (solo los puntos de acceso de los informes)" },
	/* api/admin.c */
	{ "this account has no second factor to reset",
	  "esta cuenta no tiene un segundo factor que restablecer" },
	/* api/admin.c */
	{ "may be switched off only when the county's identity provider is set up (the oidc.issuer and oidc.client_id settings)",
	  "solo se puede desactivar cuando el proveedor de identidad del condado está configurado (los ajustes oidc.issuer y oidc.client_id)" },
	/* api/agencies.c */
	{ "an agency's kind decides what its staff may read, so it never changes: add an agency of the right kind and move its users",
	  "el tipo de una agencia decide lo que su personal puede leer, así que nunca cambia: agregue una agencia del tipo correcto y pase a ella sus usuarios" },
	/* api/agenda.c */
	{ "the last day must be the first day (from) or after it",
	  "el último día debe ser el primer día (from) o posterior" },
	/* api/agenda.c */
	{ "an agenda shows at most %d days: choose a shorter period",
	  "una agenda muestra %d días como máximo: elija un período más corto" },
	/* api/calendar.c */
	{ "no such calendar",
	  "no existe ese calendario" },
	/* api/case_audit.c */
	{ "must be ok, denied or failed",
	  "debe ser ok, denied o failed" },
	/* api/casefile.c */
	{ "no such case",
	  "no existe ese caso" },
	/* api/cases.c */
	{ "this Idempotency-Key was already used with a different request body; use a new key for a new identification",
	  "esta Idempotency-Key ya se usó con otro cuerpo de solicitud; use una clave nueva para una identificación nueva" },
	/* api/cases.c */
	{ "the protocol could not be evaluated",
	  "no se pudo evaluar el protocolo" },
	/* api/cases.c */
	{ "the Idempotency-Key header is required: send a new random key (e.g. a UUID) per identification and the same key on retries",
	  "el encabezado Idempotency-Key es obligatorio: envíe una clave aleatoria nueva (p. ej., un UUID) por cada identificación y la misma clave en los reintentos" },
	/* api/cases.c */
	{ "give a birth date or, when it is not known, an age estimate",
	  "indique una fecha de nacimiento o, si no se conoce, una edad estimada" },
	/* api/cases.c */
	{ "give either a birth date or an age estimate, not both",
	  "indique una fecha de nacimiento o una edad estimada, no ambas" },
	/* api/cases.c */
	{ "this time is in the future: give when the youth was identified (now or earlier)",
	  "esta hora está en el futuro: indique cuándo se identificó al joven (ahora o antes)" },
	/* api/cases.c */
	{ "this date is before 2000: check the year",
	  "esta fecha es anterior al año 2000: revise el año" },
	/* api/cases.c */
	{ "a phone number: 7 to 20 digits, with spaces, +, -, ( ) or . if you like, and x for an extension",
	  "un número de teléfono: de 7 a 20 dígitos, con espacios, +, -, ( ) o . si lo desea, y x para una extensión" },
	/* api/cases.c */
	{ "choose one of the county's areas (an area code is lowercase letters, digits, '_' or '-')",
	  "elija una de las áreas del condado (un código de área tiene letras minúsculas, dígitos, '_' o '-')" },
	/* api/cases.c */
	{ "this birth date makes the youth %d at identification, and the protocol serves ages %d to %d: check the date",
	  "con esta fecha de nacimiento el joven tendría %d años al ser identificado, y el protocolo atiende edades de %d a %d: revise la fecha" },
	/* api/cases.c */
	{ "a request with this Idempotency-Key is still being processed; retry in a moment",
	  "una solicitud con esta Idempotency-Key todavía se está procesando; vuelva a intentarlo en un momento" },
	/* api/cases.c */
	{ "is an area code: lowercase letters, digits, '_' or '-'",
	  "es un código de área: letras minúsculas, dígitos, '_' o '-'" },
	/* api/cases.c */
	{ "is a step's key: lowercase letters, digits and '_'",
	  "es la clave de un paso: letras minúsculas, dígitos y '_'" },
	/* api/cases.c */
	{ "is me, none, or the id of a person of your agency",
	  "es me, none o el id de una persona de su agencia" },
	/* api/cases.c */
	{ "must be 1 to 200",
	  "debe ser de 1 a 200" },
	/* api/cases.c */
	{ "is not a cursor from a previous page",
	  "no es un cursor de una página anterior" },
	/* api/county.c */
	{ "'%s' is not a number of %s from %ld to %ld",
	  "'%s' no es un número de %s de %ld a %ld" },
	/* api/county.c */
	{ "'%s' is not a part of the safety plan; the parts are exploiter_contact, safe_people_places, phone_social_media, leaving_placement, numbers_24_7, court_transport, waiting_area, support_person, address_confidentiality (or write none)",
	  "'%s' no es una parte del plan de seguridad; las partes son exploiter_contact, safe_people_places, phone_social_media, leaving_placement, numbers_24_7, court_transport, waiting_area, support_person, address_confidentiality (o escriba none)" },
	/* api/county.c */
	{ "'%.80s' is not valid: %s",
	  "'%.80s' no es válido: %s" },
	/* api/county.c */
	{ "is not a county setting",
	  "no es un ajuste del condado" },
	/* api/events.c */
	{ "this case's protocol (%s %s) has no such step: choose one of the steps listed on the case",
	  "el protocolo de este caso (%s %s) no tiene ese paso: elija uno de los pasos que aparecen en el caso" },
	/* api/events.c */
	{ "this step does not apply to this case%s: choose one of the steps listed on the case",
	  "este paso no corresponde a este caso%s: elija uno de los pasos que aparecen en el caso" },
	/* api/events.c */
	{ "the step \"%s\" is %s's to do, not your agency's",
	  "el paso \"%s\" le corresponde a %s, no a su agencia" },
	/* api/events.c */
	{ "the step \"%s\" is already %s; to change that, correct the earlier entry on the timeline",
	  "el paso \"%s\" ya está %s; para cambiarlo, corrija la anotación anterior en la cronología" },
	/* api/events.c */
	{ "%s cannot be done before %.10s %.5s (its window opens then): give a later time, or record it once the window opens",
	  "%s no se puede hacer antes del %.10s a las %.5s (su plazo se abre entonces): indique una hora posterior, o regístrelo cuando se abra el plazo" },
	/* api/events.c */
	{ "the time given is %" PRId64 " h %02" PRId64 " min before now, more than the %d minutes the setting events.late_entry_minutes allows: say why it is entered late (it is a deviation a supervisor reviews, and it counts as done when recorded): %s",
	  "la hora indicada es %" PRId64 " h %02" PRId64 " min antes de ahora, más que los %d minutos que permite el ajuste events.late_entry_minutes: explique por qué se anota tarde (es una desviación que revisa un supervisor, y cuenta como hecho cuando se registra): %s" },
	/* api/events.c */
	{ "a privileged advocacy note is written with the advocate note form, not as a note",
	  "una nota de defensa privilegiada se escribe con el formulario de notas de la defensora, no como nota" },
	/* api/events.c */
	{ "your agency may not write notes that %s staff read: choose who may read the note from the list",
	  "su agencia no puede escribir notas que lea el personal de %s: elija de la lista quién puede leer la nota" },
	/* api/events.c */
	{ "%s is a protocol deviation that a supervisor reviews: %s",
	  "%s es una desviación del protocolo que revisa un supervisor: %s" },
	/* api/events.c */
	{ "the act cannot be after the arrest: give the time of the act (or leave it empty when it is the time of the arrest)",
	  "el hecho no puede ser posterior al arresto: indique la hora del hecho (o déjela vacía si es la hora del arresto)" },
	/* api/events.c */
	{ "this is more than %d days before the youth was identified, further back than the county allows (setting arrest.before_identification_days): check the date",
	  "esto es más de %d días antes de que se identificara al joven, más atrás de lo que permite el condado (ajuste arrest.before_identification_days): revise la fecha" },
	/* api/events.c */
	{ "say what the placement is when the setting is Other",
	  "indique cuál es la colocación cuando el tipo es Otro" },
	/* api/events.c */
	{ "the youth is already recorded as missing",
	  "el joven ya consta como desaparecido" },
	/* api/events.c */
	{ "your agency cannot have learned of the absence before it began: give a time after the youth went missing",
	  "su agencia no pudo enterarse de la ausencia antes de que empezara: indique una hora posterior a la desaparición del joven" },
	/* api/events.c */
	{ "this time is in the future: give when your agency learned of it",
	  "esta hora está en el futuro: indique cuándo se enteró su agencia" },
	/* api/events.c */
	{ "child welfare or probation records the youth's status",
	  "bienestar infantil o libertad condicional registra la situación del joven" },
	/* api/events.c */
	{ "your agency does not see this youth's identity (PC 293), so it cannot record a birth date",
	  "su agencia no ve la identidad de este joven (PC 293), así que no puede registrar una fecha de nacimiento" },
	/* api/events.c */
	{ "gives an age of %d at identification; the protocol serves ages 0 to 25",
	  "da una edad de %d años al ser identificado; el protocolo atiende edades de 0 a 25" },
	/* api/events.c */
	{ "the youth is not recorded as missing",
	  "el joven no consta como desaparecido" },
	/* api/events.c */
	{ "the youth is found after going missing and at the latest when back (at): give a time between the two",
	  "el joven se encuentra después de desaparecer y a más tardar al volver (at): indique una hora entre ambas" },
	/* api/events.c */
	{ "the youth cannot return before going missing: give a later time",
	  "el joven no puede volver antes de desaparecer: indique una hora posterior" },
	/* api/events.c */
	{ "give a booking number, or the name and birth date",
	  "indique un número de registro de detención (booking), o el nombre y la fecha de nacimiento" },
	/* api/events.c */
	{ "only a supervisor reviews a deviation",
	  "solo un supervisor revisa una desviación" },
	/* api/events.c */
	{ "this entry is not on the case's timeline: choose one from the list",
	  "esta anotación no está en la cronología del caso: elija una de la lista" },
	/* api/events.c */
	{ "this entry is not a protocol deviation: there is nothing to review",
	  "esta anotación no es una desviación del protocolo: no hay nada que revisar" },
	/* api/events.c */
	{ "a supervisor of the agency that recorded it reviews it",
	  "la revisa un supervisor de la agencia que la registró" },
	/* api/events.c */
	{ "this deviation is already reviewed",
	  "esta desviación ya está revisada" },
	/* api/events.c */
	{ "only the advocacy agency discloses its notes",
	  "solo la agencia de defensa divulga sus notas" },
	/* api/events.c */
	{ "choose one of this case's advocate notes",
	  "elija una de las notas de la defensora de este caso" },
	/* api/events.c */
	{ "choose an agency taking part in this case (bring it in first if it is not)",
	  "elija una agencia que participe en este caso (incorpórela primero si no participa)" },
	/* api/events.c */
	{ "the lead agency (%s) closes and reopens the case",
	  "la agencia principal (%s) cierra y reabre el caso" },
	/* api/events.c */
	{ "the case is already closed",
	  "el caso ya está cerrado" },
	/* api/events.c */
	{ "say why the case closes when the reason is Other",
	  "explique por qué se cierra el caso cuando el motivo es Otro" },
	/* api/events.c */
	{ "the case is open",
	  "el caso está abierto" },
	/* api/events.c */
	{ "law enforcement records the victim's PC 293 election",
	  "las fuerzas del orden registran la elección de la víctima según PC 293" },
	/* api/events.c */
	{ "only an agency taking part in the case brings another in",
	  "solo una agencia que participa en el caso incorpora a otra" },
	/* api/events.c */
	{ "that agency already takes part",
	  "esa agencia ya participa" },
	/* api/events.c */
	{ "this agency is not active: choose another from the list",
	  "esta agencia no está activa: elija otra de la lista" },
	/* api/events.c */
	{ "only an agency taking part in the case names its worker",
	  "solo una agencia que participa en el caso nombra a su trabajador" },
	/* api/events.c */
	{ "a supervisor names another person as the agency's worker; you can name yourself, or step down when you are the worker",
	  "un supervisor nombra a otra persona como trabajador de la agencia; usted puede nombrarse a sí mismo, o dejar el cargo si es el trabajador" },
	/* api/events.c */
	{ "is not an active member or supervisor of your agency",
	  "no es un miembro o supervisor activo de su agencia" },
	/* api/events.c */
	{ "%s is already the agency's worker",
	  "%s ya es el trabajador de la agencia" },
	/* api/events.c */
	{ "the agency has no worker named",
	  "la agencia no tiene un trabajador nombrado" },
	/* api/events.c */
	{ "this case's youth is not listed as that witness: reload the case",
	  "el joven de este caso no figura como ese testigo: vuelva a cargar el caso" },
	/* api/events.c */
	{ "this hearing is not one of the witness's prosecution: choose one from the list",
	  "esta audiencia no es de la causa del testigo: elija una de la lista" },
	/* api/events.c */
	{ "the advocacy agency assigns the advocate",
	  "la agencia de defensa asigna a la defensora" },
	/* api/events.c */
	{ "choose an active member of your advocacy agency",
	  "elija un miembro activo de su agencia de defensa" },
	/* api/events.c */
	{ "the part \"%s\" is empty: write it before the plan is signed off (for a part that does not apply, write that it does not, and why)",
	  "la parte \"%s\" está vacía: escríbala antes de aprobar el plan (si una parte no corresponde, escriba que no corresponde y por qué)" },
	/* api/events.c */
	{ "the safety plan cannot be signed off while parts are empty: %s. Write them first.",
	  "el plan de seguridad no se puede aprobar mientras haya partes vacías: %s. Escríbalas primero." },
	/* api/events.c */
	{ "the advocate or the prosecutor records the review",
	  "la defensora o el fiscal registra la revisión" },
	/* api/events.c */
	{ "the prosecutor files the motion",
	  "el fiscal presenta la moción" },
	/* api/events.c */
	{ "the prosecutor serves the notice",
	  "el fiscal entrega la notificación" },
	/* api/events.c */
	{ "this case holds %zu entries, the most one case may hold (the setting events.per_case_max): an administrator can raise it",
	  "este caso tiene %zu anotaciones, el máximo que puede tener un caso (el ajuste events.per_case_max): un administrador puede aumentarlo" },
	/* api/events.c */
	{ "this case took %zu entries in the last minute, the most the setting events.per_case_per_minute allows: try again in a minute",
	  "este caso recibió %zu anotaciones en el último minuto, el máximo que permite el ajuste events.per_case_per_minute: vuelva a intentarlo dentro de un minuto" },
	/* api/events.c */
	{ "this case's records are sealed (by court order or retention): nothing can be added to them",
	  "los registros de este caso están sellados (por orden judicial o por retención): no se les puede agregar nada" },
	/* api/events.c */
	{ "this Idempotency-Key was already used with a different case or request body; use a new key for a new entry",
	  "esta Idempotency-Key ya se usó con otro caso u otro cuerpo de solicitud; use una clave nueva para una anotación nueva" },
	/* api/events.c */
	{ "is before the identification%s",
	  "es anterior a la identificación%s" },
	/* api/events.c */
	{ "no such event in this case",
	  "no existe ese evento en este caso" },
	/* api/events.c */
	{ "an amendment has the type of the event it corrects and comes from the same agency",
	  "una enmienda tiene el tipo del evento que corrige y viene de la misma agencia" },
	/* api/events.c */
	{ "that event was already amended; amend the latest version",
	  "ese evento ya fue enmendado; enmiende la versión más reciente" },
	/* api/events.c */
	{ "an amendment stays in the section of the event it corrects (%s)",
	  "una enmienda se queda en la sección del evento que corrige (%s)" },
	/* api/events.c */
	{ "is in the future",
	  "está en el futuro" },
	/* api/events.c */
	{ "your agency may not record %s events (%s section)",
	  "su agencia no puede registrar eventos de %s (sección %s)" },
	/* api/export.c */
	{ "say why the case leaves safeharbor: court, transfer or records_request",
	  "explique por qué el caso sale de safeharbor: court, transfer o records_request" },
	/* api/export.c */
	{ "give court, transfer or records_request",
	  "indique court, transfer o records_request" },
	/* api/export.c */
	{ "give the order, request or transfer it answers, in 1 to %d characters (a reference such as a court order number, never a name)",
	  "indique la orden, solicitud o transferencia a la que responde, en 1 a %d caracteres (una referencia como el número de una orden judicial, nunca un nombre)" },
	/* api/export.c */
	{ "one line of text (UTF-8), without tabs",
	  "una sola línea de texto (UTF-8), sin tabulaciones" },
	/* api/export.c */
	{ "leave it out, or give json or html (a page to print)",
	  "omítalo, o indique json o html (una página para imprimir)" },
	/* api/factor.c */
	{ "that code was used already",
	  "ese código ya se usó" },
	/* api/factor.c */
	{ "set up an authenticator app first (POST /api/v1/me/totp)",
	  "configure primero una aplicación de autenticación (POST /api/v1/me/totp)" },
	/* api/factor.c */
	{ "no code is owed: this session is signed in",
	  "no se debe ningún código: esta sesión ya inició" },
	/* api/factor.c */
	{ "that is not the code your authenticator app shows now, nor an unused recovery code (a code works once)",
	  "ese no es el código que muestra ahora su aplicación de autenticación, ni un código de recuperación sin usar (cada código sirve una sola vez)" },
	/* api/factor.c */
	{ "enter the code from your authenticator app first",
	  "ingrese primero el código de su aplicación de autenticación" },
	/* api/factor.c */
	{ "is not your current password",
	  "no es su contraseña actual" },
	/* api/factor.c */
	{ "an authenticator app is set up already; if it is lost, an admin resets it",
	  "ya hay una aplicación de autenticación configurada; si la perdió, un administrador la restablece" },
	/* api/factor.c */
	{ "give your password to set up an authenticator app",
	  "indique su contraseña para configurar una aplicación de autenticación" },
	/* api/factor.c */
	{ "cannot make a secret",
	  "no se pudo crear un secreto" },
	/* api/factor.c */
	{ "an authenticator app is set up already",
	  "ya hay una aplicación de autenticación configurada" },
	/* api/factor.c */
	{ "start setting up first (POST /api/v1/me/totp)",
	  "empiece primero la configuración (POST /api/v1/me/totp)" },
	/* api/factor.c */
	{ "is not the code your authenticator app shows now (check that the phone's clock is right)",
	  "no es el código que muestra ahora su aplicación de autenticación (revise que la hora del teléfono sea correcta)" },
	/* api/factor.c */
	{ "must differ from the current password",
	  "debe ser distinta de la contraseña actual" },
	/* api/health.c */
	{ "the database takes no writes (the server log says why)",
	  "la base de datos no acepta escrituras (el registro del servidor dice por qué)" },
	/* api/health.c */
	{ "the key file in use does not match the database's key check",
	  "el archivo de claves en uso no coincide con la verificación de claves de la base de datos" },
	/* api/health.c */
	{ "the database is at schema %d, this safeharbor writes %d",
	  "la base de datos está en el esquema %d, y este safeharbor escribe el %d" },
	/* api/identity.c */
	{ "could not seal a value under the youth's key",
	  "no se pudo sellar un valor con la clave del joven" },
	/* api/inflight.c */
	{ "must be 1 to 200 characters (e.g. a UUID)",
	  "debe tener de 1 a 200 caracteres (p. ej., un UUID)" },
	/* api/inflight.c */
	{ "must be printable ASCII without spaces",
	  "debe ser ASCII imprimible sin espacios" },
	/* api/keycheck.c */
	{ "the key file %s does not belong to this database: it cannot open the data sealed in it (%s). Use the key file that was made with this database (docs/operations.md, key custody).",
	  "el archivo de claves %s no pertenece a esta base de datos: no puede abrir los datos sellados en ella (%s). Use el archivo de claves que se creó con esta base de datos (docs/operations.md, custodia de claves)." },
	/* api/keycheck.c */
	{ "the key file %s does not belong to this database: its key %" PRIu32 " does not match the key check stored in the database (a key file from another database, or a regenerated one). Use the key file that was made with this database (docs/operations.md, key custody).",
	  "el archivo de claves %s no pertenece a esta base de datos: su clave %" PRIu32 " no coincide con la verificación de claves guardada en la base de datos (un archivo de claves de otra base de datos, o uno regenerado). Use el archivo de claves que se creó con esta base de datos (docs/operations.md, custodia de claves)." },
	/* api/keycheck.c */
	{ "the key file %s does not belong to this database: none of its keys is one the database knows. Use the key file that was made with this database (docs/operations.md, key custody).",
	  "el archivo de claves %s no pertenece a esta base de datos: ninguna de sus claves es una que la base de datos conozca. Use el archivo de claves que se creó con esta base de datos (docs/operations.md, custodia de claves)." },
	/* api/notifications.c */
	{ "no such notification",
	  "no existe esa notificación" },
	/* api/notifications.c */
	{ "no such summons",
	  "no existe esa citación" },
	/* api/oidc.c */
	{ "the identity provider did not answer: %s",
	  "el proveedor de identidad no respondió: %s" },
	/* api/oidc.c */
	{ "the identity provider answered %ld, not a JSON object",
	  "el proveedor de identidad respondió %ld, no un objeto JSON" },
	/* api/oidc.c */
	{ "the provider's discovery document names another issuer or lacks an endpoint",
	  "el documento de descubrimiento del proveedor indica otro emisor o le falta un punto de acceso" },
	/* api/oidc.c */
	{ "another browser's sign-in",
	  "el inicio de sesión de otro navegador" },
	/* api/oidc.c */
	{ "the token endpoint answered %ld without an ID token",
	  "el punto de acceso de tokens respondió %ld sin un token de identidad" },
	/* api/oncall.c */
	{ "choose someone of this agency",
	  "elija a alguien de esta agencia" },
	/* api/oncall.c */
	{ "this person's account is disabled: choose someone else",
	  "la cuenta de esta persona está desactivada: elija a otra persona" },
	/* api/oncall.c */
	{ "choose a supervisor of the agency",
	  "elija a un supervisor de la agencia" },
	/* api/oncall.c */
	{ "choose a member or supervisor of the agency (analysts and admins are not paged)",
	  "elija a un miembro o supervisor de la agencia (a los analistas y administradores no se les avisa)" },
	/* api/oncall.c */
	{ "the agency is disabled",
	  "la agencia está desactivada" },
	/* api/oncall.c */
	{ "choose someone other than the person on call, or no fallback",
	  "elija a alguien que no sea la persona de guardia, o ningún suplente" },
	/* api/oncall.c */
	{ "this shift overlaps the shift of %s from %s to %s (%s): end that shift first, or choose times that do not overlap it",
	  "este turno se superpone con el turno de %s de %s a %s (%s): termine ese turno primero, o elija horas que no se superpongan" },
	/* api/oncall.c */
	{ "choose an area, or leave it empty for every area (an area code is lowercase letters, digits, '_' or '-')",
	  "elija un área, o déjela vacía para todas las áreas (un código de área tiene letras minúsculas, dígitos, '_' o '-')" },
	/* api/oncall.c */
	{ "the shift must end after it starts: choose a later end",
	  "el turno debe terminar después de empezar: elija un final posterior" },
	/* api/oncall.c */
	{ "a shift lasts at most %d days: add one shift per day or week",
	  "un turno dura %d días como máximo: agregue un turno por día o por semana" },
	/* api/oncall.c */
	{ "the shift would already be over: choose an end after now",
	  "el turno ya habría terminado: elija un final posterior a ahora" },
	/* api/oncall.c */
	{ "choose who is on call",
	  "elija quién está de guardia" },
	/* api/oncall.c */
	{ "choose the supervisor of the shift",
	  "elija al supervisor del turno" },
	/* api/oncall.c */
	{ "no such roster entry",
	  "no existe esa entrada en la lista de guardia" },
	/* api/oncall.c */
	{ "a user's channels are set by the user, a supervisor of their agency, or an admin",
	  "los canales de un usuario los fija el propio usuario, un supervisor de su agencia o un administrador" },
	/* api/oncall.c */
	{ "a secret signs what is sent to a webhook: give the webhook_url too",
	  "un secreto firma lo que se envía a un webhook: indique también el webhook_url" },
	/* api/oncall.c */
	{ "is required with a webhook: the receiver checks each message's HMAC-SHA256 signature with it",
	  "es obligatorio con un webhook: el receptor verifica con él la firma HMAC-SHA256 de cada mensaje" },
	/* api/oncall.c */
	{ "cannot be removed on its own; remove the webhook_url instead",
	  "no se puede quitar por sí solo; quite el webhook_url en su lugar" },
	/* api/oncall.c */
	{ "must be an RFC 3339 time",
	  "debe ser una hora RFC 3339" },
	/* api/oncall.c */
	{ "is '*' or an area code",
	  "es '*' o un código de área" },
	/* api/oncall.c */
	{ "no such user",
	  "no existe ese usuario" },
	/* api/oncall.c */
	{ "a user's channels are seen by the user, a supervisor of their agency, or an admin",
	  "los canales de un usuario los ve el propio usuario, un supervisor de su agencia o un administrador" },
	/* api/params.c */
	{ "no such record",
	  "no existe ese registro" },
	/* api/params.c */
	{ "give 1 (yes) or 0 (no)",
	  "indique 1 (sí) o 0 (no)" },
	/* api/params.c */
	{ "leave it out, or give print (a page printed from the web app)",
	  "omítalo, o indique print (una página impresa desde la aplicación web)" },
	/* api/params.c */
	{ "give a date, such as 2026-03-01 (YYYY-MM-DD)",
	  "indique una fecha, como 2026-03-01 (AAAA-MM-DD)" },
	/* api/params.c */
	{ "give a calendar date in 2000 or later, such as 2026-03-01 (YYYY-MM-DD)",
	  "indique una fecha del calendario del año 2000 o posterior, como 2026-03-01 (AAAA-MM-DD)" },
	/* api/params.c */
	{ "must be a whole number from %" PRId64 " to %" PRId64 "",
	  "debe ser un número entero de %" PRId64 " a %" PRId64 "" },
	/* api/prefs.c */
	{ "is a step's key: lowercase letters, digits, '_'",
	  "es la clave de un paso: letras minúsculas, dígitos, '_'" },
	/* api/prefs.c */
	{ "no such preference: owed.filter, cases.filter and language are kept",
	  "no existe esa preferencia: se guardan owed.filter, cases.filter y language" },
	/* api/registry.c */
	{ "%s: file too large",
	  "%s: archivo demasiado grande" },
	/* api/registry.c */
	{ "no protocol: %s not found and none stored; pass --protocol FILE",
	  "no hay protocolo: no se encontró %s y no hay ninguno guardado; use --protocol ARCHIVO" },
	/* api/registry.c */
	{ "protocol_areas: '%.*s' is not AREA[,AREA...]=FILE (entries separated by ';')",
	  "protocol_areas: '%.*s' no es ÁREA[,ÁREA...]=ARCHIVO (entradas separadas por ';')" },
	/* api/registry.c */
	{ "protocol_areas: '%.*s' is not an area code (lowercase letters, digits, '_' and '-', at most 63)",
	  "protocol_areas: '%.*s' no es un código de área (minúsculas, dígitos, '_' y '-', 63 como máximo)" },
	/* api/registry.c */
	{ "protocol_areas: area %s is given twice (%s and %s)",
	  "protocol_areas: el área %s figura dos veces (%s y %s)" },
	/* api/registry.c */
	{ "no stored protocol could be parsed",
	  "no se pudo analizar ningún protocolo guardado" },
	/* api/reports.c */
	{ "is not a report setting",
	  "no es un ajuste de los informes" },
	/* api/reports.c */
	{ "the value '%s' is not valid",
	  "el valor '%s' no es válido" },
	/* api/reports.c */
	{ "the stored setting '%s' is not valid; see docs/report.md",
	  "el ajuste guardado '%s' no es válido; consulte docs/report.md" },
	/* api/reports.c */
	{ "the report could not be prepared (%s)",
	  "no se pudo preparar el informe (%s)" },
	/* api/reports.c */
	{ "out of memory",
	  "memoria insuficiente" },
	/* api/reports.c */
	{ "the report could not be written (%s)",
	  "no se pudo escribir el informe (%s)" },
	/* api/reports.c */
	{ "choose json, csv, html (the printable page) or charts (its charts alone)",
	  "elija json, csv, html (la página para imprimir) o charts (solo sus gráficas)" },
	/* api/seal.c */
	{ "the court order's reference is required (1 to 100 characters)",
	  "la referencia de la orden judicial es obligatoria (de 1 a 100 caracteres)" },
	/* api/seal.c */
	{ "the order's reference is one line of text",
	  "la referencia de la orden es una sola línea de texto" },
	/* api/seal.c */
	{ "the order's date is required, as YYYY-MM-DD",
	  "la fecha de la orden es obligatoria, como AAAA-MM-DD" },
	/* api/seal.c */
	{ "an order is dated from 1990 to today (county time)",
	  "una orden tiene fecha de 1990 a hoy (hora del condado)" },
	/* api/seal.c */
	{ "a hold needs its reason (litigation, a prosecution pending, ...): 1 to 500 characters",
	  "una retención necesita su motivo (litigio, un proceso penal pendiente, ...): de 1 a 500 caracteres" },
	/* api/search.c */
	{ "a case number has only letters and digits after SH-",
	  "un número de caso solo tiene letras y dígitos después de SH-" },
	/* api/search.c */
	{ "give at least 4 characters of the case number (after SH-)",
	  "indique al menos 4 caracteres del número de caso (después de SH-)" },
	/* api/search.c */
	{ "say what to look for: a name or alias, a birth date, a case number, an area, open or closed, overdue, or your own cases",
	  "diga qué buscar: un nombre o alias, una fecha de nacimiento, un número de caso, un área, abierto o cerrado, vencido, o sus propios casos" },
	/* api/session.c */
	{ "too many sign-in attempts; try again in %" PRId64 " seconds",
	  "demasiados intentos de inicio de sesión; vuelva a intentarlo en %" PRId64 " segundos" },
	/* api/session.c */
	{ "too many sign-in attempts; try again in a second",
	  "demasiados intentos de inicio de sesión; vuelva a intentarlo en un segundo" },
	/* api/session.c */
	{ "your agency signs in with the county account, not with a password: use \"Sign in with the county account\"",
	  "su agencia inicia sesión con la cuenta del condado, no con una contraseña: use \"Iniciar sesión con la cuenta del condado\"" },
	/* api/session.c */
	{ "wrong username or password, or the account is disabled",
	  "usuario o contraseña incorrectos, o la cuenta está desactivada" },
	/* api/session.c */
	{ "a bearer token has no session; revoke the token instead",
	  "un token de portador no tiene sesión; revoque el token en su lugar" },
	/* api/state_report.c */
	{ "the indicators come as csv only",
	  "los indicadores solo se entregan en csv" },
	/* api/state_report.c */
	{ "the federal counts come as csv only",
	  "los conteos federales solo se entregan en csv" },
	/* api/tokens.c */
	{ "a token acts as its user, so each person makes their own: nobody, admins included, makes one for someone else (the operator can, on the server: safeharbor token create, announced to the user's agency)",
	  "un token actúa como su usuario, así que cada persona crea el suyo: nadie, ni siquiera un administrador, crea uno para otra persona (el operador sí puede, en el servidor: safeharbor token create, con aviso a la agencia del usuario)" },
	/* api/tokens.c */
	{ "no such token",
	  "no existe ese token" },
	/* api/transfer.c */
	{ "case %s is closed (%s): a transfer moves an open case; reopen it first, or export it for the record (docs/api.md)",
	  "el caso %s está cerrado (%s): una transferencia mueve un caso abierto; reábralo primero, o expórtelo para el expediente (docs/api.md)" },
	/* api/transfer.c */
	{ "case %s is of a youth sealed by court order: it is not transferred (its identity and texts no longer exist)",
	  "el caso %s es de un joven sellado por orden judicial: no se transfiere (su identidad y sus textos ya no existen)" },
	/* api/transfer.c */
	{ "cannot create %s: %s",
	  "no se puede crear %s: %s" },
	/* api/transfer.c */
	{ "case %s changed while its file was written: nothing was sent; run the export again",
	  "el caso %s cambió mientras se escribía su archivo: no se envió nada; vuelva a hacer la exportación" },
	/* api/transfer.c */
	{ "name the county in 1 to 80 characters",
	  "nombre el condado en 1 a 80 caracteres" },
	/* api/transfer.c */
	{ "one line of text",
	  "una sola línea de texto" },
	/* api/transfer.c */
	{ "the receiving county's key is not valid",
	  "la clave del condado receptor no es válida" },
	/* api/transfer.c */
	{ "this county has no enabled %s agency to take over its part of the case: add one (safeharbor agency add) and import again",
	  "este condado no tiene una agencia %s activa que se haga cargo de su parte del caso: agregue una (safeharbor agency add) y vuelva a importar" },
	/* api/transfer.c */
	{ "an agency of the file has no kind",
	  "una agencia del archivo no tiene tipo" },
	/* api/transfer.c */
	{ "event %zu of the file has no data",
	  "el evento %zu del archivo no tiene datos" },
	/* api/transfer.c */
	{ "event %zu of the file is not valid",
	  "el evento %zu del archivo no es válido" },
	/* api/transfer.c */
	{ "step %s (%" JSON_INTEGER_FORMAT ") would not be what the sending county had: the two counties must run the same protocol in the same time zone; nothing was imported",
	  "el paso %s (%" JSON_INTEGER_FORMAT ") no sería el que tenía el condado que lo envía: los dos condados deben usar el mismo protocolo en la misma zona horaria; no se importó nada" },
	/* api/transfer.c */
	{ "the case would have other steps here than in the sending county; nothing was imported",
	  "el caso tendría aquí otros pasos que en el condado que lo envía; no se importó nada" },
	/* api/transfer.c */
	{ "case %s is already in this database (imported before?)",
	  "el caso %s ya está en esta base de datos (¿se importó antes?)" },
	/* api/transfer.c */
	{ "the file does not say who identified the youth",
	  "el archivo no dice quién identificó al joven" },
	/* api/transfer.c */
	{ "%s is not a transfer file",
	  "%s no es un archivo de transferencia" },
	/* api/transfer.c */
	{ "this file was not sent by the county whose key you gave (--from-key): it is not opened",
	  "este archivo no lo envió el condado cuya clave usted indicó (--from-key): no se abre" },
	/* api/transfer.c */
	{ "this file carries no signature: it is not opened",
	  "este archivo no lleva firma: no se abre" },
	/* api/transfer.c */
	{ "the file's signature does not hold: it was changed after the sending county wrote it, and it is not opened",
	  "la firma del archivo no es válida: se modificó después de que el condado que lo envía lo escribiera, y no se abre" },
	/* api/transfer.c */
	{ "this is not a safeharbor case transfer file (version %d)",
	  "este no es un archivo de transferencia de casos de safeharbor (versión %d)" },
	/* api/transfer.c */
	{ "this file was sealed for another county's key, not this county's (safeharbor transfer-key): it cannot be opened here",
	  "este archivo se selló para la clave de otro condado, no la de este (safeharbor transfer-key): no se puede abrir aquí" },
	/* api/transfer.c */
	{ "the case in this file cannot be opened: it was damaged or changed after it was sealed",
	  "el caso de este archivo no se puede abrir: se dañó o se modificó después de sellarse" },
	/* api/transfer.c */
	{ "the case in this file is not complete",
	  "el caso de este archivo no está completo" },
	/* api/transfer.c */
	{ "no enabled agency named '%s' in this county",
	  "no hay una agencia activa llamada '%s' en este condado" },
	/* api/transfer.c */
	{ "the case runs under protocol %s version %s, which this county has not loaded (with the same text): load it first (safeharbor init --protocol FILE)",
	  "el caso se rige por el protocolo %s versión %s, que este condado no ha cargado (con el mismo texto): cárguelo primero (safeharbor init --protocol ARCHIVO)" },
	/* core/witness.c */
	{ "Not in effect on %s (%s applied to motions dated before %s; the next version took effect %s).",
	  "No está en vigor el %s (%s se aplicaba a las mociones fechadas antes del %s; la versión siguiente entró en vigor el %s)." },
	/* core/witness.c */
	{ "Not in effect on %s (%s applies only to motions dated before %s).",
	  "No está en vigor el %s (%s se aplica solo a las mociones fechadas antes del %s)." },
	/* core/witness.c */
	{ "Not in effect on %s (%s took effect %s).",
	  "No está en vigor el %s (%s rige desde %s)." },
	/* core/witness.c */
	{ "county policy",
	  "la política del condado" },
	/* core/witness.c */
	{ "later",
	  "una fecha posterior" },
	/* core/witness.c */
	{ "Eligible: the witness was %d on the motion date (%d or younger required) and the charges include %s (PC %s).",
	  "Reúne los requisitos: el testigo tenía %d años en la fecha de la moción (se exigen %d años o menos) y los cargos incluyen %s (PC %s)." },
	/* core/witness.c */
	{ "Not eligible: the witness was %d on the motion date; %s covers witnesses %d or younger.",
	  "No reúne los requisitos: el testigo tenía %d años en la fecha de la moción; %s ampara a testigos de %d años o menos." },
	/* core/witness.c */
	{ "Not eligible: no charge is %s.",
	  "No reúne los requisitos: ningún cargo es %s." },
	/* core/witness.c */
	{ " Also, no charge is %s.",
	  " Además, ningún cargo es %s." },
	/* core/witness.c */
	{ " (Offences against the minor count only when the minor is their victim, not a witness to them.)",
	  " (Los delitos contra el menor cuentan solo cuando el menor es su víctima, no solo testigo de ellos.)" },
	/* core/witness.c */
	{ " This is the county's policy goal (Board motion), without statutory force: it never makes a witness eligible in court.",
	  " Es una meta de política del condado (moción de la Junta), sin fuerza de ley: nunca hace que un testigo reúna los requisitos ante el tribunal." },
	/* api/witness.c */
	{ "give 1 to 30 charges, such as PC 236.1, PC 288",
	  "indique de 1 a 30 cargos, como PC 236.1, PC 288" },
	/* api/witness.c */
	{ "write a Penal Code section, such as PC 236.1",
	  "escriba una sección del Código Penal, como PC 236.1" },
	/* api/witness.c */
	{ "the birth date must be before the date of the motion: check both",
	  "la fecha de nacimiento debe ser anterior a la fecha de la moción: revise las dos" },
	/* api/witness.c */
	{ "no such prosecution",
	  "no existe esa causa penal" },
	/* api/witness.c */
	{ "no such case is shared with your agency: an agency on the case brings the prosecutor in first",
	  "no hay un caso así compartido con su agencia: una agencia del caso incorpora primero al fiscal" },
	/* api/witness.c */
	{ "the youth is 18 or older, so not a minor victim witness: this list is for minors",
	  "el joven tiene 18 años o más, así que no es un testigo víctima menor de edad: esta lista es para menores" },
	/* api/witness.c */
	{ "must be a list of at most 50",
	  "debe ser una lista de 50 como máximo" },
	/* api/witness.c */
	{ "must be an object",
	  "debe ser un objeto" },
	/* core/escalation.c */
	{ "must be 0 or 1",
	  "debe ser 0 o 1" },
	/* core/escalation.c */
	{ "must be at most %ld characters without spaces",
	  "debe tener como máximo %ld caracteres sin espacios" },
	/* core/escalation.c */
	{ "must start with https:// (or http://)",
	  "debe empezar con https:// (o http://)" },
	/* core/escalation.c */
	{ "must start with smtp:// or smtps://",
	  "debe empezar con smtp:// o smtps://" },
	/* core/escalation.c */
	{ "must be a bare address such as safeharbor@county.example",
	  "debe ser una dirección sola, como safeharbor@county.example" },
	/* core/escalation.c */
	{ "'%s' is not an address or prefix (such as 10.20.0.0/16 or fd00:1::/48; at most %d)",
	  "'%s' no es una dirección ni un prefijo (como 10.20.0.0/16 o fd00:1::/48; como máximo %d)" },
	/* core/escalation.c */
	{ "has an unknown type",
	  "tiene un tipo desconocido" },
	/* core/escalation.c */
	{ "is not a notification setting (see safeharbor notify config)",
	  "no es un ajuste de notificaciones (vea safeharbor notify config)" },
	/* core/escalation.c */
	{ "must be more than twice notify.timeout (%d s), so a claim outlives the delivery attempt it covers",
	  "debe ser más del doble de notify.timeout (%d s), para que una reserva dure más que el intento de entrega que cubre" },
	/* core/escalation.c */
	{ "must be at least notify.retry_base (%d s)",
	  "debe ser al menos notify.retry_base (%d s)" },
	/* core/escalation.c */
	{ "is needed when notify.smtp_url is set",
	  "es necesario cuando notify.smtp_url está configurado" },
	/* core/metrics.c */
	{ "the period must end on or after its first day: choose a later end",
	  "el período debe terminar el mismo día que empieza o después: elija un final posterior" },
	/* core/metrics.c */
	{ "a report covers at most %d days: choose a shorter period",
	  "un informe abarca %d días como máximo: elija un período más corto" },
	/* core/metrics.c */
	{ "has fewer than %d recoveries in the period, so it is not released publicly",
	  "tiene menos de %d recuperaciones en el período, así que no se publica" },
	/* core/metrics.c */
	{ "the report could not be computed (%s)",
	  "no se pudo calcular el informe (%s)" },
	/* core/password.c */
	{ "must be %d to %d characters",
	  "debe tener de %d a %d caracteres" },
	/* core/password.c */
	{ "is one character repeated",
	  "es un solo carácter repetido" },
	/* core/password.c */
	{ "is a run of characters such as 123456789012 or abcdefghijkl",
	  "es una serie de caracteres como 123456789012 o abcdefghijkl" },
	/* core/password.c */
	{ "repeats a short part (such as abcabcabcabc)",
	  "repite una parte corta (como abcabcabcabc)" },
	/* core/password.c */
	{ "must use at least 5 different characters",
	  "debe usar al menos 5 caracteres distintos" },
	/* core/password.c */
	{ "is one of the most common passwords (or one with a small change): a guesser tries it first; a few unrelated words are better",
	  "es una de las contraseñas más comunes (o una con un cambio pequeño): quien intenta adivinar la prueba primero; es mejor usar unas cuantas palabras sin relación entre sí" },
	/* core/password.c */
	{ "must not contain the username",
	  "no debe contener el nombre de usuario" },
	/* core/password.c */
	{ "must not contain the agency's name",
	  "no debe contener el nombre de la agencia" },
	/* core/search.c */
	{ "give at least one part of a name (letters or digits)",
	  "indique al menos una parte de un nombre (letras o dígitos)" },
	/* core/search.c */
	{ "every part of the name needs at least 2 letters (an initial alone matches too many youth)",
	  "cada parte del nombre necesita al menos 2 letras (una inicial sola coincide con demasiados jóvenes)" },
	/* core/search.c */
	{ "give at most 6 parts of a name",
	  "indique como máximo 6 partes de un nombre" },
	/* http/auth.c */
	{ "this account is disabled",
	  "esta cuenta está desactivada" },
	/* http/auth.c */
	{ "this account has an unknown role or agency kind",
	  "esta cuenta tiene un rol o un tipo de agencia desconocido" },
	/* http/auth.c */
	{ "this token's scope is read: it may only GET",
	  "el alcance de este token es read: solo puede hacer GET" },
	/* http/auth.c */
	{ "this token's scope is %s: it may only read the reports",
	  "el alcance de este token es %s: solo puede leer los informes" },
	/* http/auth.c */
	{ "use 'Authorization: Bearer TOKEN'",
	  "utilice el encabezado 'Authorization: Bearer TOKEN'" },
	/* http/auth.c */
	{ "the token is not valid (revoked or unknown)",
	  "el token no es válido (revocado o desconocido)" },
	/* http/auth.c */
	{ "the token has expired; make a new one",
	  "el token venció; cree uno nuevo" },
	/* http/auth.c */
	{ "sign in first",
	  "inicie sesión primero" },
	/* http/auth.c */
	{ "the session has ended; sign in again",
	  "la sesión terminó; vuelva a iniciar sesión" },
	/* http/auth.c */
	{ "the session has expired; sign in again",
	  "la sesión venció; vuelva a iniciar sesión" },
	/* http/auth.c */
	{ "signing in took too long; start again with the password",
	  "el inicio de sesión tardó demasiado; empiece de nuevo con la contraseña" },
	/* http/auth.c */
	{ "the X-CSRF-Token header is missing or wrong",
	  "falta el encabezado X-CSRF-Token o no es correcto" },
	/* http/client_addr.c */
	{ "trusted_proxies: '%s' is not an address or CIDR range (at most %d of them)",
	  "trusted_proxies: '%s' no es una dirección ni un rango CIDR (como máximo %d)" },
	/* http/metrics.c */
	{ "no such path: /metrics is served on metrics_listen, or here with metrics_token set",
	  "no existe esa ruta: /metrics se sirve en metrics_listen, o aquí con metrics_token configurado" },
	/* http/metrics.c */
	{ "/metrics needs the metrics token",
	  "/metrics necesita el token de métricas" },
	/* http/routes.c */
	{ "analysts and admins see no case content",
	  "los analistas y administradores no ven el contenido de los casos" },
	/* http/routes.c */
	{ "an authenticator app is set up from a signed-in session, not with a bearer token",
	  "una aplicación de autenticación se configura desde una sesión iniciada, no con un token de portador" },
	/* http/routes.c */
	{ "a password is changed from a signed-in session, not with a token",
	  "una contraseña se cambia desde una sesión iniciada, no con un token" },
	/* http/routes.c */
	{ "only an admin carries out a court order to seal",
	  "solo un administrador ejecuta una orden judicial de sellado" },
	/* http/routes.c */
	{ "only an admin sees what retention would destroy",
	  "solo un administrador ve lo que la retención destruiría" },
	/* http/routes.c */
	{ "only an admin manages holds",
	  "solo un administrador gestiona las retenciones" },
	/* http/routes.c */
	{ "only an admin may add agencies",
	  "solo un administrador puede agregar agencias" },
	/* http/routes.c */
	{ "only an admin may change agencies",
	  "solo un administrador puede cambiar agencias" },
	/* http/routes.c */
	{ "only an admin may change how an agency signs in",
	  "solo un administrador puede cambiar cómo inicia sesión una agencia" },
	/* http/routes.c */
	{ "admins and case staff list users",
	  "los administradores y el personal de casos ven la lista de usuarios" },
	/* http/routes.c */
	{ "only an admin may add users",
	  "solo un administrador puede agregar usuarios" },
	/* http/routes.c */
	{ "only an admin may change users",
	  "solo un administrador puede cambiar usuarios" },
	/* http/routes.c */
	{ "only an admin may reset passwords",
	  "solo un administrador puede restablecer contraseñas" },
	/* http/routes.c */
	{ "only an admin may reset a second factor",
	  "solo un administrador puede restablecer un segundo factor" },
	/* http/routes.c */
	{ "tokens are made from a signed-in session, not with another token",
	  "los tokens se crean desde una sesión iniciada, no con otro token" },
	/* http/routes.c */
	{ "identifications are recorded by law enforcement, child welfare or probation staff",
	  "las identificaciones las registra el personal de las fuerzas del orden, de bienestar infantil o de libertad condicional" },
	/* http/routes.c */
	{ "supervisors see who viewed a case",
	  "los supervisores ven quién consultó un caso" },
	/* http/routes.c */
	{ "your agency does not see court matters",
	  "su agencia no ve los asuntos judiciales" },
	/* http/routes.c */
	{ "the state's CSEC indicators are for child welfare and oversight",
	  "los indicadores CSEC del estado son para bienestar infantil y supervisión externa" },
	/* http/routes.c */
	{ "make a calendar link while signed in, not with a token",
	  "cree un enlace de calendario con la sesión iniciada, no con un token" },
	/* http/routes.c */
	{ "a calendar shows case deadlines: only case staff have one",
	  "un calendario muestra los plazos de los casos: solo el personal de casos tiene uno" },
	/* http/routes.c */
	{ "case staff use the eligibility check",
	  "el personal de casos usa la verificación de elegibilidad" },
	/* http/routes.c */
	{ "the prosecutor's agency lists its prosecutions",
	  "la agencia del fiscal ve la lista de sus causas penales" },
	/* http/routes.c */
	{ "prosecutions are recorded by the prosecutor",
	  "las causas penales las registra el fiscal" },
	/* http/routes.c */
	{ "the prosecutor's agency changes its prosecutions",
	  "la agencia del fiscal cambia sus causas penales" },
	/* http/routes.c */
	{ "only the agency's own staff see its roster",
	  "solo el propio personal de la agencia ve su lista de guardia" },
	/* http/routes.c */
	{ "an agency's caseloads are for its supervisors",
	  "las cargas de casos de una agencia son para sus supervisores" },
	/* http/routes.c */
	{ "a roster is kept by the supervisors of its own agency",
	  "la lista de guardia la mantienen los supervisores de su propia agencia" },
	/* http/routes.c */
	{ "reports are for analysts, supervisors and oversight staff",
	  "los informes son para analistas, supervisores y el personal de supervisión externa" },
	/* http/routes.c */
	{ "the state's CSEC indicators are for analysts and child welfare's supervisors",
	  "los indicadores CSEC del estado son para analistas y los supervisores de bienestar infantil" },
	/* http/routes.c */
	{ "the federal counts are for analysts and oversight staff",
	  "los conteos federales son para analistas y el personal de supervisión externa" },
	/* http/routes.c */
	{ "refused arrests are for oversight staff and supervisors",
	  "los arrestos rechazados son para el personal de supervisión externa y los supervisores" },
	/* http/server.c */
	{ "no such path: %s",
	  "no existe esa ruta: %s" },
	/* http/server.c */
	{ "%s is not allowed here; allowed: %s",
	  "%s no está permitido aquí; se permite: %s" },
	/* http/server.c */
	{ "the request body is larger than %zu bytes",
	  "el cuerpo de la solicitud tiene más de %zu bytes" },
	/* http/server.c */
	{ "send the body as application/json",
	  "envíe el cuerpo como application/json" },
	/* http/server.c */
	{ "finish signing in: enter the code from your authenticator app",
	  "termine de iniciar sesión: ingrese el código de su aplicación de autenticación" },
	/* http/server.c */
	{ "finish signing in: set up an authenticator app first",
	  "termine de iniciar sesión: configure primero una aplicación de autenticación" },
	/* http/server.c */
	{ "--listen must be ADDRESS:PORT with a numeric address, e.g. 127.0.0.1:8080 or [::1]:8080 (got \"%s\")",
	  "--listen debe ser DIRECCIÓN:PUERTO con una dirección numérica, p. ej. 127.0.0.1:8080 o [::1]:8080 (se recibió \"%s\")" },
	/* lib/conf.c */
	{ "%s: %s (got \"%.80s\")",
	  "%s: %s (se recibió \"%.80s\")" },
	/* lib/conf.c */
	{ "line longer than %zu characters",
	  "línea de más de %zu caracteres" },
	/* lib/conf.c */
	{ "expected 'key = value' (a # starts a comment)",
	  "se esperaba 'clave = valor' (un # inicia un comentario)" },
	/* lib/conf.c */
	{ "unknown key '%.60s' (known: %s)",
	  "clave desconocida '%.60s' (conocidas: %s)" },
	/* lib/conf.c */
	{ "%s is set twice (first on line %d)",
	  "%s está configurado dos veces (primero en la línea %d)" },
	/* lib/jsonh.c */
	{ "the request body is empty; a JSON object is required",
	  "el cuerpo de la solicitud está vacío; se requiere un objeto JSON" },
	/* lib/jsonh.c */
	{ "malformed JSON at line %d, column %d (byte %d): %s",
	  "JSON mal formado en la línea %d, columna %d (byte %d): %s" },
	/* lib/jsonh.c */
	{ "the request body must be a JSON object",
	  "el cuerpo de la solicitud debe ser un objeto JSON" },
	/* lib/jsonh.c */
	{ "contains invisible control characters: type it again without them",
	  "contiene caracteres de control invisibles: escríbalo de nuevo sin ellos" },
	/* lib/jsonh.c */
	{ "is too short: write at least %lld characters",
	  "es demasiado corto: escriba al menos %lld caracteres" },
	/* lib/jsonh.c */
	{ "is too long: shorten it to %lld characters or fewer",
	  "es demasiado largo: acórtelo a %lld caracteres o menos" },
	/* lib/jsonh.c */
	{ "must be a string",
	  "debe ser un texto" },
	/* lib/jsonh.c */
	{ "give a whole number",
	  "indique un número entero" },
	/* lib/jsonh.c */
	{ "give a whole number from %lld to %lld",
	  "indique un número entero de %lld a %lld" },
	/* lib/jsonh.c */
	{ "must be true or false",
	  "debe ser true o false" },
	/* lib/jsonh.c */
	{ "give a date and time, such as 2026-03-01T02:15:00-08:00 (RFC 3339)",
	  "indique una fecha y hora, como 2026-03-01T02:15:00-08:00 (RFC 3339)" },
	/* lib/jsonh.c */
	{ "give a calendar date, such as 2026-03-01 (YYYY-MM-DD)",
	  "indique una fecha del calendario, como 2026-03-01 (AAAA-MM-DD)" },
	/* lib/jsonh.c */
	{ "choose one of: %s",
	  "elija uno de: %s" },
	/* lib/jsonh.c */
	{ "must be an array of strings",
	  "debe ser una lista de textos" },
	/* lib/jsonh.c */
	{ "must have at most 64 items",
	  "debe tener como máximo 64 elementos" },
	/* lib/jsonh.c */
	{ "this request takes no such field: leave it out",
	  "esta solicitud no acepta ese campo: omítalo" },
	/* lib/jsonh.c */
	{ "is required and must not be null",
	  "es obligatorio y no debe ser null" },
	/* lib/jsonh.c */
	{ "must not be null: leave the field out when it is not known",
	  "no debe ser null: omita el campo cuando no se conozca" },
	/* lib/jsonh.c */
	{ "is required: fill it in",
	  "es obligatorio: complételo" },
	/* lib/sdnotify.c */
	{ "NOTIFY_SOCKET is not a socket path",
	  "NOTIFY_SOCKET no es la ruta de un socket" },
	/* lib/shcrypto.c */
	{ "sealed by court order",
	  "sellado por orden judicial" },
	/* lib/timefmt.c */
	{ "must be between %s and %s (%s)",
	  "debe estar entre %s y %s (%s)" },
	/* lib/tz.c */
	{ "'%s' is not a valid zone file in the time zone database",
	  "'%s' no es un archivo de zona válido en la base de datos de zonas horarias" },
	/* lib/tz.c */
	{ "'%s' is not a time zone name (like America/Los_Angeles)",
	  "'%s' no es el nombre de una zona horaria (como America/Los_Angeles)" },
	/* lib/tz.c */
	{ "'%s' is not in the time zone database (%s: %s)",
	  "'%s' no está en la base de datos de zonas horarias (%s: %s)" },
	/* notify/deliver.c */
	{ "must be https:// (plain http:// only to a loopback address)",
	  "debe ser https:// (http:// simple solo hacia una dirección de loopback)" },
	/* notify/deliver.c */
	{ "reaches an address that is %s: webhooks may not reach loopback, private, link-local, shared, multicast, reserved or cloud metadata addresses (an operator may allow some with notify.webhook_allow)",
	  "llega a una dirección que es %s: los webhooks no pueden llegar a direcciones de loopback, privadas, de enlace local, compartidas, de multidifusión, reservadas ni de metadatos de la nube (un operador puede permitir algunas con notify.webhook_allow)" },
	/* notify/deliver.c */
	{ "must be a URL of at most %d characters",
	  "debe ser una URL de %d caracteres como máximo" },
	/* notify/deliver.c */
	{ "must not contain spaces or control characters",
	  "no debe contener espacios ni caracteres de control" },
	/* notify/deliver.c */
	{ "must be an https:// URL",
	  "debe ser una URL https://" },
	/* notify/deliver.c */
	{ "must not carry a user name or password; the body is signed with the secret instead",
	  "no debe llevar un nombre de usuario ni una contraseña; el cuerpo se firma con el secreto en su lugar" },
	/* notify/deliver.c */
	{ "must be an e-mail address such as oncall@agency.example",
	  "debe ser una dirección de correo electrónico como oncall@agency.example" },
	/* store/sqlite.c */
	{ "conflicts with a stored record (%s)",
	  "choca con un registro guardado (%s)" },
	/* store/sqlite.c */
	{ "the database is busy; try again",
	  "la base de datos está ocupada; vuelva a intentarlo" },
	/* store/sqlite.c */
	{ "database error: %s",
	  "error de la base de datos: %s" },
	/* store/pg.c */
	{ "the database connection was lost: %s",
	  "se perdió la conexión con la base de datos: %s" },
	/* store/store.c */
	{ "this works on a SQLite database file only; back up a PostgreSQL database with pg_basebackup (docs/operations.md, section 11)",
	  "esto funciona solo con un archivo de base de datos SQLite; haga la copia de seguridad de una base de datos PostgreSQL con pg_basebackup (docs/operations.md, sección 11)" },
	/* store/sqlite.c */
	{ "the server is shutting down",
	  "el servidor se está apagando" },
	/* http/server.c */
	{ "the read could not be recorded in the audit trail",
	  "la consulta no pudo registrarse en el registro de auditoría" },
	/* store/copy.c */
	{ "the source has %" PRId64 " audit rows not linked into the chain yet: a server is still writing to it (stop every server of the county, then copy again); nothing was copied",
	  "el origen tiene %" PRId64 " filas de auditoría aún no enlazadas en la cadena: un servidor sigue escribiendo en él (detenga todos los servidores del condado y vuelva a copiar); no se copió nada" },
	{ "the target database already holds data (table %s: %" PRId64 " row%s); nothing was copied: migrate copies into an empty database only",
	  "la base de datos de destino ya tiene datos (tabla %s: %" PRId64 " fila%s); no se copió nada: migrate copia solo a una base de datos vacía" },
	/* store/sqlite_cases.c */
	{ "protocol %s version %s is already stored with different content; give the changed file a new version",
	  "el protocolo %s versión %s ya está guardado con otro contenido; dé una versión nueva al archivo cambiado" },
	/* store/sqlite_court.c */
	{ "your agency already has a prosecution with this number",
	  "su agencia ya tiene una causa penal con este número" },
	/* store/sqlite_court.c */
	{ "this youth is already a witness in this prosecution",
	  "este joven ya es testigo en esta causa penal" },
	/* store/sqlite_people.c */
	{ "an agency with this name exists",
	  "ya existe una agencia con este nombre" },
	/* store/sqlite_people.c */
	{ "no such valid token",
	  "no existe ese token válido" },
	/* store/sqlite_people.c */
	{ "another user has this account at the identity provider",
	  "otro usuario tiene esta cuenta en el proveedor de identidad" },
	/* store/sqlite_people.c */
	{ "this username is taken",
	  "este nombre de usuario ya está en uso" },
	/* store/sqlite_people.c */
	{ "no such session",
	  "no existe esa sesión" },
	/* store/sqlite_people.c */
	{ "no such sign-in",
	  "no existe ese inicio de sesión" },
	/* store/sqlite_records.c */
	{ "no such event",
	  "no existe ese evento" },
	/* store/sqlite_seal.c */
	{ "no such youth",
	  "no existe ese joven" },
	/* store/sqlite_seal.c */
	{ "this youth's records are already sealed",
	  "los registros de este joven ya están sellados" },
	/* store/sqlite_seal.c */
	{ "no hold on this case",
	  "no hay una retención en este caso" },
	/* api/admin.c */
	{ "%s is on %zu shift of the agency's on-call roster now or ahead: end it first (the On call screen)",
	  "%s tiene %zu turno en la lista de guardia de la agencia ahora o más adelante: termínelo primero (la pantalla De guardia)" },
	/* api/admin.c */
	{ "%s is on %zu shifts of the agency's on-call roster now or ahead: end them first (the On call screen)",
	  "%s tiene %zu turnos en la lista de guardia de la agencia ahora o más adelante: termínelos primero (la pantalla De guardia)" },
	/* api/events.c */
	{ " (or this episode)",
	  " (o a este episodio)" },
	/* api/events.c */
	{ "no agency",
	  "ninguna agencia" },
	/* api/events.c */
	{ "any arrest of an identified victim",
	  "cualquier arresto de una víctima identificada" },
	/* api/events.c */
	{ "a placement that is detention (juvenile hall, camp or the like)",
	  "una colocación que es detención (centro de detención juvenil, campamento o similar)" },
	/* api/events.c */
	{ "placement in detention",
	  "la colocación en detención" },
	/* api/events.c */
	{ " by more than the days the setting arrest.before_identification_days allows",
	  " por más de los días que permite el ajuste arrest.before_identification_days" },
	/* notify/deliver.c */
	{ "not a loopback address (plain http:// is only for a gateway on this host)",
	  "no es una dirección de loopback (http:// simple es solo para una pasarela en este mismo servidor)" },
	/* core/protocol_eval.c */
	{ "pending",
	  "pendiente" },
	/* core/protocol_eval.c */
	{ "done",
	  "hecho" },
	/* core/protocol_eval.c */
	{ "waived",
	  "dispensado" },
	/* core/protocol_eval.c */
	{ "not_applicable",
	  "no aplicable" },
	/* core/rules.c */
	{ "write why, in a sentence or two (it has no words)",
	  "escriba por qué, en una o dos oraciones (no tiene palabras)" },
	/* core/rules.c */
	{ "write why, in words of your own (a placeholder is not a reason)",
	  "escriba por qué, con sus propias palabras (un texto de relleno no es un motivo)" },
	/* core/rules.c */
	{ "write why, in a sentence of at least four different words",
	  "escriba por qué, en una oración de al menos cuatro palabras distintas" },
	/* core/rules.c */
	{ "write why, in words (this looks like repeated characters)",
	  "escriba por qué, con palabras (esto parece una serie de caracteres repetidos)" },
	/* lib/netaddr.c */
	{ "cloud metadata",
	  "de metadatos de la nube" },
	/* lib/netaddr.c */
	{ "unspecified",
	  "no especificada" },
	/* lib/netaddr.c */
	{ "private",
	  "privada" },
	/* lib/netaddr.c */
	{ "shared (CGNAT)",
	  "compartida (CGNAT)" },
	/* lib/netaddr.c */
	{ "loopback",
	  "de loopback" },
	/* lib/netaddr.c */
	{ "link-local",
	  "de enlace local" },
	/* lib/netaddr.c */
	{ "reserved",
	  "reservada" },
	/* lib/netaddr.c */
	{ "reserved (documentation)",
	  "reservada (documentación)" },
	/* lib/netaddr.c */
	{ "reserved (benchmarking)",
	  "reservada (pruebas de rendimiento)" },
	/* lib/netaddr.c */
	{ "multicast",
	  "de multidifusión" },
	/* lib/netaddr.c */
	{ "reserved (IPv4-compatible)",
	  "reservada (compatible con IPv4)" },
	/* lib/netaddr.c */
	{ "reserved (local NAT64)",
	  "reservada (NAT64 local)" },
	/* lib/netaddr.c */
	{ "reserved (discard)",
	  "reservada (descarte)" },
	/* lib/netaddr.c */
	{ "reserved (Teredo)",
	  "reservada (Teredo)" },
	/* lib/netaddr.c */
	{ "private (unique local)",
	  "privada (local única)" },
	/* lib/netaddr.c */
	{ "reserved (site-local)",
	  "reservada (local de sitio)" },
	/* core/guardrail.c */
	{ "the youth was %d on the day of the act (from the birth date)",
	  "el joven tenía %d años el día del hecho (según la fecha de nacimiento)" },
	/* core/guardrail.c */
	{ "the youth's age is not known, so the youth is treated as under 18",
	  "no se conoce la edad del joven, así que se le trata como menor de 18 años" },
	/* core/guardrail.c */
	{ "the youth's estimated age on the day of the act is %d",
	  "la edad estimada del joven el día del hecho es de %d años" },
	/* core/guardrail.c */
	{ "the youth's estimated age on the day of the act is %d, and an estimate of 18 or 19 counts as under 18 until a birth date is verified",
	  "la edad estimada del joven el día del hecho es de %d años, y una estimación de 18 o 19 cuenta como menor de 18 hasta que se verifique una fecha de nacimiento" },
	/* core/guardrail.c */
	{ "Refused: %s%s%s names a prostitution offence, and %s. Since 1 January 2017 (SB 1322) PC 647(b) and PC 653.22 do not apply to anyone under 18 at the time of the act%s%s%s. This youth is a victim of commercial sexual exploitation, not an offender: do not arrest; report to the child abuse hotline (child welfare) and continue the First Responder Protocol. The attempt is recorded for your supervisors and the Board report.",
	  "Rechazado: %s%s%s nombra un delito de prostitución, y %s. Desde el 1 de enero de 2017 (SB 1322), PC 647(b) y PC 653.22 no se aplican a nadie menor de 18 años en el momento del hecho%s%s%s. Este joven es víctima de explotación sexual comercial, no un infractor: no lo arreste; repórtelo a la línea directa de abuso infantil (bienestar infantil) y continúe el Protocolo de Primera Respuesta. El intento queda registrado para sus supervisores y para el informe a la Junta." },
	/* core/guardrail.c */
	{ "the wording \"",
	  "la redacción \"" },
	/* core/guardrail.c */
	{ " no longer exists for anyone",
	  " ya no existe para nadie" },
	/* core/guardrail.c */
	{ "Refused: %s (%s) was repealed from %s; no one can be arrested for it for an act on or after that day. Record the offence actually charged.%s%s",
	  "Rechazado: %s (%s) quedó derogado a partir del %s; nadie puede ser arrestado por él por un hecho ocurrido ese día o después. Registre el delito que realmente se imputa.%s%s" },
	/* core/guardrail.c */
	{ " Source: ",
	  " Fuente: " },
	/* core/guardrail.c */
	{ "%s covers several offences, one of them prostitution (PC 647(b)), and %s: give the subdivision (for example PC 647(f)).",
	  "%s abarca varios delitos, uno de ellos la prostitución (PC 647(b)), y %s: indique la subdivisión (por ejemplo, PC 647(f))." },
	/* core/guardrail.c */
	{ "Treated as under 18: %s.",
	  "Se le trata como menor de 18 años: %s." },
	/* core/metrics.c */
	{ "Youth and recoveries",
	  "Jóvenes y recuperaciones" },
	/* core/metrics.c */
	{ "Arrests and detention of identified victims (goal: zero)",
	  "Arrestos y detención de víctimas identificadas (meta: cero)" },
	/* core/metrics.c */
	{ "Protocol timeliness",
	  "Puntualidad del protocolo" },
	/* core/metrics.c */
	{ "Missing from care",
	  "Ausencias sin permiso de la colocación" },
	/* core/metrics.c */
	{ "Stability",
	  "Estabilidad" },
	/* core/metrics.c */
	{ "Exploiters and buyers",
	  "Explotadores y compradores" },
	/* core/metrics.c */
	{ "Minor victim witnesses",
	  "Testigos víctimas menores de edad" },
	/* core/metrics.c */
	{ "Recoveries",
	  "Recuperaciones" },
	/* core/metrics.c */
	{ "First recoveries",
	  "Primeras recuperaciones" },
	/* core/metrics.c */
	{ "Re-recoveries",
	  "Nuevas recuperaciones" },
	/* core/metrics.c */
	{ "Youth identified",
	  "Jóvenes identificados" },
	/* core/metrics.c */
	{ "Mean age",
	  "Edad media" },
	/* core/metrics.c */
	{ "Youngest",
	  "El más joven" },
	/* core/metrics.c */
	{ "Under 12",
	  "Menores de 12" },
	/* core/metrics.c */
	{ "12",
	  "12" },
	/* core/metrics.c */
	{ "13",
	  "13" },
	/* core/metrics.c */
	{ "14",
	  "14" },
	/* core/metrics.c */
	{ "15",
	  "15" },
	/* core/metrics.c */
	{ "16",
	  "16" },
	/* core/metrics.c */
	{ "17",
	  "17" },
	/* core/metrics.c */
	{ "18 or older",
	  "18 o más" },
	/* core/metrics.c */
	{ "Prostitution-related",
	  "Relacionados con la prostitución" },
	/* core/metrics.c */
	{ "Other offences",
	  "Otros delitos" },
	/* core/metrics.c */
	{ "Under 18 at the time of the act",
	  "Menores de 18 en el momento del hecho" },
	/* core/metrics.c */
	{ "18 or older at the time of the act",
	  "De 18 o más en el momento del hecho" },
	/* core/metrics.c */
	{ "All arrests",
	  "Todos los arrestos" },
	/* core/metrics.c */
	{ "Prostitution arrests of minors (SB 1322)",
	  "Arrestos de menores por prostitución (SB 1322)" },
	/* core/metrics.c */
	{ "Offence repealed before the act",
	  "Delito derogado antes del hecho" },
	/* core/metrics.c */
	{ "All refused attempts",
	  "Todos los intentos rechazados" },
	/* core/metrics.c */
	{ "Placements in detention",
	  "Colocaciones en detención" },
	/* core/metrics.c */
	{ "Episodes",
	  "Episodios" },
	/* core/metrics.c */
	{ "24-hour reports on time",
	  "Reportes de 24 horas a tiempo" },
	/* core/metrics.c */
	{ "Reached the day",
	  "Llegaron al día" },
	/* core/metrics.c */
	{ "Stable",
	  "Estables" },
	/* core/metrics.c */
	{ "No check recorded",
	  "Sin verificación registrada" },
	/* core/metrics.c */
	{ "Youth identified since the start day",
	  "Jóvenes identificados desde el día de inicio" },
	/* core/metrics.c */
	{ "Currently stable",
	  "Estables actualmente" },
	/* core/metrics.c */
	{ "No recent check",
	  "Sin verificación reciente" },
	/* core/metrics.c */
	{ "Exploiters (people)",
	  "Explotadores (personas)" },
	/* core/metrics.c */
	{ "Buyers (people)",
	  "Compradores (personas)" },
	/* core/metrics.c */
	{ "People arrested",
	  "Personas arrestadas" },
	/* core/metrics.c */
	{ "Arrests",
	  "Arrestos" },
	/* core/metrics.c */
	{ "Prosecutions filed",
	  "Causas penales presentadas" },
	/* core/metrics.c */
	{ "Convictions",
	  "Condenas" },
	/* core/metrics.c */
	{ "Listed",
	  "En la lista" },
	/* core/metrics.c */
	{ "With an advocate",
	  "Con defensor" },
	/* core/metrics.c */
	{ "With a safety plan",
	  "Con plan de seguridad" },
	/* core/metrics.c */
	{ "CCTV motion filed",
	  "Moción de circuito cerrado presentada" },
	/* core/metrics.c */
	{ "CCTV motion granted",
	  "Moción de circuito cerrado concedida" },
	/* core/metrics.c */
	{ "Due",
	  "Vencidos" },
	/* core/metrics.c */
	{ "On time",
	  "A tiempo" },
	/* core/metrics.c */
	{ "Median time to done",
	  "Tiempo mediano hasta hacerse" },
	/* core/metrics.c */
	{ "90th percentile",
	  "Percentil 90" },
	/* core/metrics.c */
	{ "Recoveries and re-recoveries",
	  "Recuperaciones y nuevas recuperaciones" },
	/* core/metrics.c */
	{ "Youth identified (unique)",
	  "Jóvenes identificados (sin repetir)" },
	/* core/metrics.c */
	{ "Age at first recovery",
	  "Edad en la primera recuperación" },
	/* core/metrics.c */
	{ "Gender",
	  "Género" },
	/* core/metrics.c */
	{ "Race and ethnicity",
	  "Raza y origen étnico" },
	/* core/metrics.c */
	{ "Arrests of identified victims",
	  "Arrestos de víctimas identificadas" },
	/* core/metrics.c */
	{ "Attempted arrests refused",
	  "Intentos de arresto rechazados" },
	/* core/metrics.c */
	{ "Missing episodes and 24-hour reports",
	  "Episodios de ausencia y reportes de 24 horas" },
	/* core/metrics.c */
	{ "Stable at 30 days",
	  "Estables a los 30 días" },
	/* core/metrics.c */
	{ "Stable at 90 days",
	  "Estables a los 90 días" },
	/* core/metrics.c */
	{ "Stable at 180 days",
	  "Estables a los 180 días" },
	/* core/metrics.c */
	{ "Exploiters and buyers arrested",
	  "Explotadores y compradores arrestados" },
	/* core/metrics.c */
	{ "Recoveries per month",
	  "Recuperaciones por mes" },
	/* api/county.c */
	{ "cannot be read",
	  "no se puede leer" },
	/* core/metrics.c */
	{ "Counted by the day the youth was identified (identified_at).",
	  "Contado por el día en que se identificó al joven (identified_at)." },
	/* core/metrics.c */
	{ "Counted by the time of the event, whenever the recovery was identified.",
	  "Contado por la hora del evento, cualquiera que sea el día en que se identificó la recuperación." },
	/* core/metrics.c */
	{ "A recovery is one run of the protocol for one youth, from the moment the youth is identified as a suspected victim (T0). A re-recovery is a recovery of a youth who was recovered before (recovery number 2 or more; recoveries are linked by name and birth date through the blind index, so a youth recorded without both counts as new each time). Recoveries = first recoveries + re-recoveries.",
	  "Una recuperación es una aplicación del protocolo a un joven, desde el momento en que el joven es identificado como presunta víctima (T0). Una nueva recuperación es la recuperación de un joven que ya fue recuperado antes (recuperación número 2 o más; las recuperaciones se vinculan por nombre y fecha de nacimiento mediante el índice ciego, así que un joven registrado sin ambos cuenta como nuevo cada vez). Recuperaciones = primeras recuperaciones + nuevas recuperaciones." },
	/* core/metrics.c */
	{ "Each youth identified in the period, counted once however many times they were recovered in it. A youth is counted under the area and identifying agency of their first recovery in the period, so the areas and the agencies add up to the total.",
	  "Cada joven identificado en el período, contado una vez por muchas veces que haya sido recuperado en él. Un joven se cuenta en el área y la agencia que lo identificó en su primera recuperación del período, así que las áreas y las agencias suman el total." },
	/* core/metrics.c */
	{ "Age in whole years at identification (from the birth date, or the officer's estimate when there is none) of youth recovered for the first time in the period. Mean to one decimal, the youngest, and how many in each band.",
	  "Edad en años cumplidos al ser identificado (según la fecha de nacimiento, o la estimación del agente si no la hay) de los jóvenes recuperados por primera vez en el período. Media con un decimal, el más joven y cuántos hay en cada franja." },
	/* core/metrics.c */
	{ "Gender as recorded at identification, of each youth identified in the period (counted once, at their first recovery in the period). Shown as recorded, in lower case; \"not recorded\" when none was given.",
	  "Género tal como se registró al identificar, de cada joven identificado en el período (contado una vez, en su primera recuperación del período). Se muestra como se registró, en minúsculas; \"no registrado\" cuando no se indicó." },
	/* core/metrics.c */
	{ "Race and ethnicity as recorded at identification, of each youth identified in the period (counted once, at their first recovery in the period). Shown as recorded, in lower case; \"not recorded\" when none was given.",
	  "Raza y origen étnico tal como se registraron al identificar, de cada joven identificado en el período (contado una vez, en su primera recuperación del período). Se muestran como se registraron, en minúsculas; \"no registrado\" cuando no se indicaron." },
	/* core/metrics.c */
	{ "Arrests of youth identified as victims (arrest events on a recovery's timeline, including arrests made up to the setting arrest.before_identification_days before the identification), by the time of the arrest. Prostitution-related: the offence recorded names PC 647(b) or PC 653.22 however written, or words for the act (docs/offences.md); the guardrail refuses these for anyone under 18, so only youth 18 or older can have one. Under 18 at the time of the act: by the birth date on the county's local day of the act, or treated as under 18 when only an estimate under 20 or no age is known. Every arrest is a protocol deviation with a written justification. Goal: zero.",
	  "Arrestos de jóvenes identificados como víctimas (eventos de arresto en la cronología de una recuperación, incluidos los arrestos hechos hasta arrest.before_identification_days días antes de la identificación, según ese ajuste), por la hora del arresto. Relacionados con la prostitución: el delito registrado nombra PC 647(b) o PC 653.22, escrito de cualquier forma, o palabras que describen el acto (docs/offences.md); la salvaguarda los rechaza para cualquier menor de 18 años, así que solo un joven de 18 años o más puede tener uno. Menor de 18 años en el momento del acto: según la fecha de nacimiento en el día local del condado del acto, o tratado como menor de 18 cuando solo se conoce una estimación inferior a 20 años o ninguna edad. Cada arresto es una desviación del protocolo con una justificación escrita. Meta: cero." },
	/* core/metrics.c */
	{ "Arrests the guardrail refused to record, by the time of the arrest: a prostitution offence (PC 647(b), PC 653.22, however written, or words for the act) of a youth under 18 at the time of the act (SB 1322), or any arrest for an offence repealed before the act (PC 653.22 from 2023-01-01, SB 357). Each attempt is kept for the agency's supervisors and oversight. Goal: zero.",
	  "Arrestos que la salvaguarda se negó a registrar, por la hora del arresto: un delito de prostitución (PC 647(b), PC 653.22, escrito de cualquier forma, o palabras que describen el acto) de un joven menor de 18 años en el momento del acto (SB 1322), o cualquier arresto por un delito derogado antes del acto (PC 653.22 desde el 2023-01-01, SB 357). Cada intento queda guardado para los supervisores de la agencia y la supervisión externa. Meta: cero." },
	/* core/metrics.c */
	{ "Placements recorded with the setting \"detention\", or with the setting \"other\" described as a detention setting (juvenile hall, a probation camp, jail and the like: docs/offences.md), by the time of the placement. Each is a protocol deviation. Goal: zero.",
	  "Colocaciones registradas con el entorno \"detention\" (detención), o con el entorno \"other\" (otro) descrito como un lugar de detención (centro de menores, campamento de libertad condicional, cárcel y similares: docs/offences.md), por la hora de la colocación. Cada una es una desviación del protocolo. Meta: cero." },
	/* core/metrics.c */
	{ "Missing-from-care episodes that started in the period (by the time the youth went missing). 24-hour reports: the protocol steps due 24 hours after the youth went missing (setting report.missing_report_steps; by default the reports to law enforcement and NCMEC and the notice to the youth's attorney). On time: every one of them that applies was done by its deadline; a late or waived report, or one still pending after its deadline, is not on time. Episodes whose reports are not yet due are left out of the share.",
	  "Episodios de ausencia del lugar de cuidado que empezaron en el período (por la hora en que el joven desapareció). Reportes de 24 horas: los pasos del protocolo que vencen 24 horas después de la desaparición del joven (ajuste report.missing_report_steps; por omisión, los reportes a las fuerzas del orden y al NCMEC y el aviso al abogado del joven). A tiempo: cada uno de ellos que corresponda se hizo antes de su plazo; un reporte tardío o dispensado, o uno aún pendiente después de su plazo, no está a tiempo. Los episodios cuyos reportes aún no vencen quedan fuera de la proporción." },
	/* core/metrics.c */
	{ "Counted by day 30 after identification: recoveries whose day 30 fell in the period and whose check window has closed.",
	  "Contado por el día 30 después de la identificación: recuperaciones cuyo día 30 cayó en el período y cuyo intervalo de control ya se cerró." },
	/* core/metrics.c */
	{ "Counted by day 90 after identification: recoveries whose day 90 fell in the period and whose check window has closed.",
	  "Contado por el día 90 después de la identificación: recuperaciones cuyo día 90 cayó en el período y cuyo intervalo de control ya se cerró." },
	/* core/metrics.c */
	{ "Counted by day 180 after identification: recoveries whose day 180 fell in the period and whose check window has closed.",
	  "Contado por el día 180 después de la identificación: recuperaciones cuyo día 180 cayó en el período y cuyo intervalo de control ya se cerró." },
	/* core/metrics.c */
	{ "Counted once per youth identified since the start day, under the area and identifying agency of their first recovery since then.",
	  "Contado una vez por cada joven identificado desde el día de inicio, en el área y la agencia que lo identificó en su primera recuperación desde entonces." },
	/* core/metrics.c */
	{ "Arrests of exploiters and of buyers recorded on recoveries' timelines (exploiter_arrest events), by the time of the arrest, and the people they were: a person arrested several times in the period (the same `person` recorded, compared through a keyed hash) counts once, under the recovery of their first arrest in the period; an arrest recorded without a person counts as a person of its own.",
	  "Arrestos de explotadores y de compradores registrados en las cronologías de las recuperaciones (eventos exploiter_arrest), por la hora del arresto, y las personas arrestadas: una persona arrestada varias veces en el período (la misma `person` registrada, comparada mediante un hash con clave) cuenta una vez, en la recuperación de su primer arresto del período; un arresto registrado sin persona cuenta como una persona propia." },
	/* core/metrics.c */
	{ "Prosecutions of exploiters and buyers filed in the period (by filing date); counted under the area and identifying agency of the recovery of the first minor witness listed in it, or \"no recovery linked\" when none is listed.",
	  "Procesos judiciales contra explotadores y compradores presentados en el período (por fecha de presentación); contados en el área y la agencia que identificó la recuperación del primer testigo menor de edad que figura en ellos, o en \"ninguna recuperación vinculada\" cuando no figura ninguno." },
	/* core/metrics.c */
	{ "Counted by filing date.",
	  "Contado por la fecha de presentación." },
	/* core/metrics.c */
	{ "Prosecutions whose outcome, convicted or a guilty plea, is dated in the period; counted like prosecutions filed.",
	  "Procesos judiciales cuyo resultado, condena o declaración de culpabilidad, tiene fecha en el período; contados como los procesos presentados." },
	/* core/metrics.c */
	{ "Counted by the date of the outcome.",
	  "Contado por la fecha del resultado." },
	/* core/metrics.c */
	{ "Youth under 18 at identification listed as witnesses in prosecutions in the period (by listing date), and, as of the data: with an advocate assigned; with a safety plan signed off at least once; with a closed-circuit testimony (CCTV) motion recorded; with one granted. Goal: every minor witness has an advocate.",
	  "Jóvenes menores de 18 años al ser identificados que figuran como testigos en procesos judiciales en el período (por fecha de inclusión) y, según los datos: con un defensor asignado; con un plan de seguridad aprobado al menos una vez; con una moción de testimonio por circuito cerrado (CCTV) registrada; con una concedida. Meta: todo testigo menor de edad tiene un defensor." },
	/* core/metrics.c */
	{ "Counted by the day the witness was listed.",
	  "Contado por el día en que se incluyó al testigo." },
	/* core/metrics.c */
	{ "Recoveries by calendar month (county time) of identification; the first and last months of a period can be partial.",
	  "Recuperaciones por mes natural (hora del condado) de la identificación; el primer y el último mes de un período pueden estar incompletos." },
	/* core/metrics.c */
	{ "The step's instances on recoveries identified in the period. Due: done, or still pending after its deadline at the data's as-of time (steps waived, not applicable or not yet due are left out). On time: done at or before the deadline (done_at <= due_at; a late entry, dated well before it was recorded, counts when it was recorded). Median and 90th percentile: time from the step's clock start (its anchor: identification, the last assault, or the start or end of a missing episode) to done, over the steps done, on time or late (nearest-rank percentiles).",
	  "Las instancias del paso en las recuperaciones identificadas en el período. Vencidos: hechos, o aún pendientes después de su plazo a la fecha de corte de los datos (quedan fuera los pasos dispensados, los que no corresponden y los que aún no vencen). A tiempo: hechos en su plazo o antes (done_at <= due_at; un registro tardío, fechado mucho antes de registrarse, cuenta cuando se registró). Mediana y percentil 90: tiempo desde el inicio del reloj del paso (su ancla: la identificación, la última agresión, o el inicio o el fin de un episodio de ausencia) hasta que se hizo, sobre los pasos hechos, a tiempo o tarde (percentiles por rango más cercano)." },
	/* core/metrics.c */
	{ "any result",
	  "cualquier resultado" },
	/* core/metrics.c */
	{ "stable: true",
	  "stable: true (estable)" },
	/* core/metrics.c */
	{ "%ssafe_placement: true",
	  "%ssafe_placement: true (colocación segura)" },
	/* core/metrics.c */
	{ "%sengaged (with the advocate): true",
	  "%sengaged: true (vinculado con el defensor)" },
	/* core/metrics.c */
	{ "; the latest placement recorded by %s was not a detention setting",
	  "; la última colocación registrada hasta %s no era un lugar de detención" },
	/* core/metrics.c */
	{ "; no missing-from-care episode overlapped the %d days before %s",
	  "; ningún episodio de ausencia del lugar de cuidado coincidió con los %d días anteriores a %s" },
	/* core/metrics.c */
	{ "; and the youth was not recovered again before it",
	  "; y el joven no fue recuperado de nuevo antes de esa fecha" },
	/* core/metrics.c */
	{ "Stable at day N (30, 90, 180): the latest stability check from day N-%d to day N+%d after identification records ",
	  "Estable el día N (30, 90, 180): el último control de estabilidad entre el día N-%d y el día N+%d después de la identificación registra " },
	/* core/metrics.c */
	{ "that check",
	  "la fecha de ese control" },
	/* core/metrics.c */
	{ ". A recovery without a check in that window counts as not stable.",
	  ". Una recuperación sin control en ese intervalo cuenta como no estable." },
	/* core/metrics.c */
	{ "Currently stable: of the youth identified since %s, the share whose latest stability check, at most %d days before the end of the period (or the data's as-of time, if earlier), records ",
	  "Estables actualmente: de los jóvenes identificados desde %s, la proporción cuyo último control de estabilidad, como máximo %d días antes del final del período (o de la fecha de corte de los datos, si es anterior), registra " },
	/* core/metrics.c */
	{ "the period's first day",
	  "el primer día del período" },
	/* core/metrics.c */
	{ "the end of the period",
	  "la fecha final del período" },
	/* core/metrics.c */
	{ " (after the check)",
	  " (después del control)" },
	/* core/metrics.c */
	{ ". A youth without such a check counts as not stable.",
	  ". Un joven sin ese control cuenta como no estable." },
	/* core/metrics.c */
	{ "Other areas (each under %d recoveries)",
	  "Otras áreas (cada una con menos de %d recuperaciones)" },
	/* core/metrics.c */
	{ "Other agencies (each under %d recoveries)",
	  "Otras agencias (cada una con menos de %d recuperaciones)" },
	/* core/metrics.c */
	{ "Areas under more than one protocol",
	  "Áreas con más de un protocolo" },
	/* core/metrics.c */
	{ "Other protocols (each under %d recoveries)",
	  "Otros protocolos (cada uno con menos de %d recuperaciones)" },
	/* core/metrics.c */
	{ "No recovery linked",
	  "Ninguna recuperación vinculada" },
	/* core/metrics.c */
	{ "All (area %s)",
	  "Todas (área %s)" },
	/* core/metrics.c */
	{ "All areas",
	  "Todas las áreas" },
	/* core/metrics.c */
	{ "not recorded",
	  "no registrado" },
	/* core/metrics.c */
	{ "another gender",
	  "otro género" },
	/* core/metrics.c */
	{ "another race or ethnicity",
	  "otra raza u origen étnico" },
	/* core/metrics.c */
	{ "Every count from 1 to 10 is shown as \"1-10\". So that none can be worked out by subtraction from a total or from the other cells of its row or column (the areas add up to the county, so do the agencies, and a figure's categories add up to its total), more cells are suppressed and shown as \"suppressed\": wherever one suppressed cell would stand alone in such a line, the smallest other non-zero cell of the line is suppressed too; then all lines are checked together with interval arithmetic, and cells are added until no small count can be narrowed to a single value. A share is shown only when both of its counts are; medians and percentiles only when they summarise more than 10 steps; the mean and youngest age only for the whole county and more than 10 youth. Areas and identifying agencies with fewer recoveries in the period than the threshold are shown together as \"other\", and so are genders and races recorded for fewer youth than the threshold. No names and no free text appear.",
	  "Cada conteo de 1 a 10 se muestra como \"1-10\". Para que ninguno se pueda deducir restando de un total o de las demás celdas de su fila o columna (las áreas suman el condado, también las agencias, y las categorías de una cifra suman su total), se suprimen más celdas, que se muestran como \"suprimido\": donde una celda suprimida quedaría sola en una de esas líneas, también se suprime la celda distinta de cero más pequeña de la línea; después se comprueban todas las líneas juntas con aritmética de intervalos, y se añaden celdas hasta que ningún conteo pequeño se pueda reducir a un solo valor. Una proporción se muestra solo cuando se muestran sus dos conteos; las medianas y los percentiles solo cuando resumen más de 10 pasos; la edad media y la menor solo para todo el condado y más de 10 jóvenes. Las áreas y las agencias que identifican con menos recuperaciones en el período que el umbral se muestran juntas como \"otras\", igual que los géneros y las razas registrados para menos jóvenes que el umbral. No aparecen nombres ni texto libre." },
	/* core/metrics_html.c */
	{ " to ",
	  " al " },
	/* core/metrics_html.c */
	{ "Area or agency",
	  "Área o agencia" },
	/* core/metrics_html.c */
	{ "Step",
	  "Paso" },
	/* core/metrics_html.c */
	{ "By area",
	  "Por área" },
	/* core/metrics_html.c */
	{ "By identifying agency",
	  "Por agencia que identifica" },
	/* core/metrics_html.c */
	{ "By protocol",
	  "Por protocolo" },
	/* core/metrics_html.c */
	{ "This period",
	  "Este período" },
	/* core/metrics_html.c */
	{ "Previous",
	  "Anterior" },
	/* core/metrics_html.c */
	{ "<abbr class=\"supp\" title=\"suppressed so that a small count cannot be worked out\">supp.</abbr>",
	  "<abbr class=\"supp\" title=\"suprimido para que no se pueda deducir un conteo pequeño\">supr.</abbr>" },
	/* core/metrics_html.c */
	{ "<abbr class=\"supp\" title=\"suppressed: too few to show in a public release\">supp.</abbr>",
	  "<abbr class=\"supp\" title=\"suprimido: demasiado pocos para mostrarse en una publicación pública\">supr.</abbr>" },
	/* core/metrics_html.c */
	{ "<span class=\"none\" title=\"no data\">&ndash;</span>",
	  "<span class=\"none\" title=\"sin datos\">&ndash;</span>" },
	/* core/metrics_html.c */
	{ "1 to 10",
	  "de 1 a 10" },
	/* core/metrics_html.c */
	{ "suppressed",
	  "suprimido" },
	/* core/metrics_html.c */
	{ "no data",
	  "sin datos" },
	/* core/metrics_html.c */
	{ "%" PRId64 "%% (%" PRId64 " of %" PRId64 ")",
	  "%" PRId64 " %% (%" PRId64 " de %" PRId64 ")" },
	/* core/metrics_html.c */
	{ "Previous period: ",
	  "Período anterior: " },
	/* core/metrics_html.c */
	{ "This period: ",
	  "Este período: " },
	/* core/metrics_html.c */
	{ "Bar chart of recoveries per calendar month. ",
	  "Gráfico de barras de las recuperaciones por mes natural. " },
	/* core/metrics_html.c */
	{ " This period: ",
	  " Este período: " },
	/* core/metrics_html.c */
	{ "supp.",
	  "supr." },
	/* core/metrics_html.c */
	{ ", this period and the previous one. ",
	  ", este período y el anterior. " },
	/* core/metrics_html.c */
	{ "%s%s, previous period: ",
	  "%s%s, período anterior: " },
	/* core/metrics_html.c */
	{ "%s%s, this period: ",
	  "%s%s, este período: " },
	/* core/metrics_html.c */
	{ "<p>Nothing recorded.</p>",
	  "<p>Nada registrado.</p>" },
	/* core/metrics_html.c */
	{ "<p class=\"def\">Each cell: this period, and below it in grey the previous period.</p>",
	  "<p class=\"def\">Cada celda: este período y, debajo en gris, el período anterior.</p>" },
	/* core/metrics_html.c */
	{ "<abbr class=\"supp\" title=\"suppressed\">supp.</abbr>",
	  "<abbr class=\"supp\" title=\"suprimido\">supr.</abbr>" },
	/* core/metrics_html.c */
	{ "Timeliness of every step, all areas",
	  "Puntualidad de cada paso, todas las áreas" },
	/* core/metrics_html.c */
	{ "<h3 id=\"fig-steps-groups\">Share of each step done on time, by area and identifying agency</h3><p class=\"def\">Each cell: this period, then the previous period below it. The counts behind each share are in the JSON and CSV releases.</p><div class=\"wide\"><table aria-labelledby=\"fig-steps-groups\">",
	  "<h3 id=\"fig-steps-groups\">Proporción de cada paso hecho a tiempo, por área y agencia que identifica</h3><p class=\"def\">Cada celda: este período y, debajo, el período anterior. Los conteos de cada proporción están en las versiones JSON y CSV.</p><div class=\"wide\"><table aria-labelledby=\"fig-steps-groups\">" },
	/* core/metrics_html.c */
	{ "<h2 id=\"key\">Key figures, all areas</h2><table aria-labelledby=\"key\"><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Measure</th><th scope=\"col\">This period</th><th scope=\"col\" class=\"prev\">Previous period</th><th scope=\"col\">How it is counted</th></tr></thead><tbody>",
	  "<h2 id=\"key\">Cifras clave, todas las áreas</h2><table aria-labelledby=\"key\"><thead><tr><th scope=\"col\">Cifra</th><th scope=\"col\">Medida</th><th scope=\"col\">Este período</th><th scope=\"col\" class=\"prev\">Período anterior</th><th scope=\"col\">Cómo se cuenta</th></tr></thead><tbody>" },
	/* core/metrics_html.c */
	{ "Recoveries per calendar month of identification. The previous period is hatched. A month with 1 to 10 recoveries in a public release is marked 1-10 on the baseline, not drawn as a bar.",
	  "Recuperaciones por mes natural de la identificación. El período anterior va rayado. Un mes con 1 a 10 recuperaciones en una publicación pública se marca 1-10 sobre la línea base, sin dibujar una barra." },
	/* core/metrics_html.c */
	{ "Steps done on time, all areas",
	  "Pasos hechos a tiempo, todas las áreas" },
	/* core/metrics_html.c */
	{ "Share of each protocol step done by its deadline, of the steps due, for recoveries identified in each period.",
	  "Proporción de cada paso del protocolo hecho antes de su plazo, de los pasos vencidos, para las recuperaciones identificadas en cada período." },
	/* core/metrics_html.c */
	{ "Youth stable at follow-up, all areas",
	  "Jóvenes estables en el seguimiento, todas las áreas" },
	/* core/metrics_html.c */
	{ "Board report: First Responder Protocol, ",
	  "Informe a la Junta: Protocolo de Primera Respuesta, " },
	/* core/metrics_html.c */
	{ "First Responder Protocol for commercially sexually exploited children: report to the Board",
	  "Protocolo de Primera Respuesta para niños, niñas y jóvenes víctimas de explotación sexual comercial: informe a la Junta de Supervisores" },
	/* core/metrics_html.c */
	{ "Period:",
	  "Período:" },
	/* core/metrics_html.c */
	{ " (%d days), beside the previous period of equal length, ",
	  " (%d días), junto al período anterior de igual duración, " },
	/* core/metrics_html.c */
	{ "Data as of:",
	  "Datos a la fecha:" },
	/* core/metrics_html.c */
	{ "Area:",
	  "Área:" },
	/* core/metrics_html.c */
	{ "Times are UTC.",
	  "Las horas están en UTC." },
	/* core/metrics_html.c */
	{ "<p class=\"release\"><strong>Public release.</strong> Counts from 1 to 10 are shown as \"1-10\", and other cells are suppressed (\"supp.\") so that none can be worked out; see <a href=\"#method\">how small counts are protected</a>.</p>",
	  "<p class=\"release\"><strong>Publicación pública.</strong> Los conteos de 1 a 10 se muestran como \"1-10\", y otras celdas se suprimen (\"supr.\") para que ninguno se pueda deducir; vea <a href=\"#method\">cómo se protegen los conteos pequeños</a>.</p>" },
	/* core/metrics_html.c */
	{ "<p class=\"release\"><strong>Internal release</strong> for the agencies taking part in the protocol: small counts are not suppressed. Do not publish; use the public release (--public) for that.</p>",
	  "<p class=\"release\"><strong>Publicación interna</strong> para las agencias que participan en el protocolo: los conteos pequeños no se suprimen. No la publique; para eso use la publicación pública (--public).</p>" },
	/* core/metrics_html.c */
	{ "Charts",
	  "Gráficos" },
	/* core/metrics_html.c */
	{ "How small counts are protected",
	  "Cómo se protegen los conteos pequeños" },
	/* core/metrics_html.c */
	{ "This is a public release. ",
	  "Esta es una publicación pública. " },
	/* core/metrics_html.c */
	{ "This is an internal release: nothing below is applied to it. In a public release: ",
	  "Esta es una publicación interna: nada de lo siguiente se le aplica. En una publicación pública: " },
	/* core/metrics_html.c */
	{ " Threshold: %d recoveries.",
	  " Umbral: %d recuperaciones." },
	/* core/metrics_html.c */
	{ "What \"stable\" means",
	  "Qué significa \"estable\"" },
	/* core/metrics_html.c */
	{ " The county sets this definition (settings report.stability.*; see docs/report.md).",
	  " El condado fija esta definición (ajustes report.stability.*; vea docs/report.md)." },
	/* core/metrics_html.c */
	{ "Produced by safeharbor ",
	  "Generado por safeharbor " },
	/* core/metrics_html.c */
	{ " from the data as of ",
	  " con los datos a la fecha de " },
	/* core/metrics_html.c */
	{ ". Every figure is printed with its definition. Privileged advocacy records and medical details are never counted; no names and no free text appear.",
	  ". Cada cifra se imprime con su definición. Los registros privilegiados de la defensoría y los detalles médicos nunca se cuentan; no aparecen nombres ni texto libre." },
	{ NULL, NULL }
};
/* clang-format on */

const char *catalog_es(const char *english)
{
	/* refusals are rare: a scan of a few hundred entries costs less than a reply */
	for (size_t i = 0; english && es[i].en; i++)
		if (!strcmp(es[i].en, english))
			return es[i].es;
	return NULL;
}
