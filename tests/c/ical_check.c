/*
 * What libical (the engine of Evolution, KOrganizer and many servers) reads from an
 * iCalendar file, for tests/test_ics_libical.py.
 *
 *   ical_check FILE.ics
 *
 * Parses the file, runs libical's restriction check (RFC 5545 cardinality, plus the
 * RFC 5546 table for the file's METHOD), then prints one JSON object per line:
 *
 *   {"kind":"restriction","ok":true}
 *   {"kind":"error","component":"VEVENT","type":"VALUE-PARSE-ERROR","text":"..."}
 *   {"kind":"timezone","tzid":"Europe/London"}
 *   {"kind":"event","uid":"...","tzid":"...","start":1767225600,"end":1767227400}
 *
 * "error" lines are the X-LIC-ERROR properties libical inserts for anything it could not
 * parse or that the restriction check rejects.  Event start and end are Unix times,
 * converted by libical itself from the wall time and the file's own VTIMEZONE of that
 * TZID (never the system's zone data); "start_zone_found": false says the TZID had no
 * VTIMEZONE in the file.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_string(const char *text)
{
    const unsigned char *c = (const unsigned char *)(text ? text : "");
    putchar('"');
    for (; *c; c++) {
        if (*c == '"' || *c == '\\') {
            printf("\\%c", *c);
        } else if (*c < 0x20) {
            printf("\\u%04x", *c);
        } else {
            putchar(*c);
        }
    }
    putchar('"');
}

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        exit(2);
    }
    size_t size = 0, used = 0, got;
    char *data = NULL;
    do {
        if (used + 65536 + 1 > size) {
            size = (used + 65536 + 1) * 2;
            data = realloc(data, size);
            if (data == NULL) {
                perror("realloc");
                exit(2);
            }
        }
        got = fread(data + used, 1, 65536, file);
        used += got;
    } while (got > 0);
    fclose(file);
    data[used] = '\0';
    return data;
}

/* A DTSTART or DTEND as a Unix time, through the calendar's VTIMEZONE for its TZID. */
static void print_instant(icalcomponent *calendar, icalcomponent *event, icalproperty_kind kind,
                          const char *key)
{
    icalproperty *prop = icalcomponent_get_first_property(event, kind);
    if (prop == NULL) {
        printf(",\"%s\":null", key);
        return;
    }
    struct icaltimetype when = icalvalue_get_datetime(icalproperty_get_value(prop));
    const char *tzid = icalproperty_get_parameter_as_string(prop, "TZID");
    icaltimezone *zone = NULL;
    if (tzid != NULL) {
        zone = icalcomponent_get_timezone(calendar, tzid);
        printf(",\"%s_tzid\":", key);
        json_string(tzid);
        printf(",\"%s_zone_found\":%s", key, zone != NULL ? "true" : "false");
    } else if (icaltime_is_utc(when)) {
        zone = icaltimezone_get_utc_timezone();
    }
    printf(",\"%s_floating\":%s", key, zone == NULL ? "true" : "false");
    printf(",\"%s\":%lld", key, (long long)icaltime_as_timet_with_zone(when, zone));
}

static void walk(icalcomponent *calendar, icalcomponent *component)
{
    const char *name = icalcomponent_kind_to_string(icalcomponent_isa(component));
    for (icalproperty *prop = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         prop != NULL; prop = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        printf("{\"kind\":\"error\",\"component\":");
        json_string(name);
        printf(",\"type\":");
        icalparameter *type = icalproperty_get_first_parameter(prop, ICAL_XLICERRORTYPE_PARAMETER);
        json_string(type ? icalparameter_enum_to_string(icalparameter_get_xlicerrortype(type)) : NULL);
        printf(",\"text\":");
        json_string(icalproperty_get_xlicerror(prop));
        printf("}\n");
    }
    switch (icalcomponent_isa(component)) {
    case ICAL_VTIMEZONE_COMPONENT:
        printf("{\"kind\":\"timezone\",\"tzid\":");
        json_string(icalproperty_get_tzid(
            icalcomponent_get_first_property(component, ICAL_TZID_PROPERTY)));
        printf("}\n");
        break;
    case ICAL_VEVENT_COMPONENT: {
        icalproperty *uid = icalcomponent_get_first_property(component, ICAL_UID_PROPERTY);
        icalproperty *status = icalcomponent_get_first_property(component, ICAL_STATUS_PROPERTY);
        printf("{\"kind\":\"event\",\"uid\":");
        json_string(uid ? icalproperty_get_uid(uid) : NULL);
        printf(",\"status\":");
        json_string(status ? icalproperty_status_to_string(icalproperty_get_status(status)) : NULL);
        print_instant(calendar, component, ICAL_DTSTART_PROPERTY, "start");
        print_instant(calendar, component, ICAL_DTEND_PROPERTY, "end");
        printf("}\n");
        break;
    }
    default:
        break;
    }
    for (icalcomponent *child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         child != NULL; child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        walk(calendar, child);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.ics\n", argv[0]);
        return 2;
    }
    icalerror_set_errors_are_fatal(0);
    char *data = read_file(argv[1]);
    icalcomponent *root = icalparser_parse_string(data);
    if (root == NULL) {
        printf("{\"kind\":\"error\",\"component\":\"\",\"type\":\"NO-CALENDAR\",\"text\":");
        json_string(icalerror_strerror(icalerrno));
        printf("}\n");
        return 1;
    }
    if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        printf("{\"kind\":\"error\",\"component\":");
        json_string(icalcomponent_kind_to_string(icalcomponent_isa(root)));
        printf(",\"type\":\"NOT-ONE-VCALENDAR\",\"text\":\"the file is not exactly one VCALENDAR\"}\n");
    }
    int ok = icalrestriction_check(root);
    printf("{\"kind\":\"restriction\",\"ok\":%s}\n", ok ? "true" : "false");
    walk(root, root);
    icalcomponent_free(root);
    free(data);
    return 0;
}
