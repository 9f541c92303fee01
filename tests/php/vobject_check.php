<?php
/*
 * What sabre/vobject (the iCalendar library of Nextcloud and other CalDAV servers) reads
 * from an iCalendar file, for tests/test_ics_vobject.py.
 *
 *   php vobject_check.php FILE.ics
 *
 * Prints one JSON object:
 *   version      sabre/vobject's version
 *   parse_error  the message of the exception the strict reader threw, else null
 *   warnings     what the library's validate() reports ({level, message, node})
 *   errors       exceptions thrown while reading an event's values (a date it cannot parse)
 *   notices      PHP warnings and notices raised while reading the file (deprecation
 *                notices about old library code under a newer PHP are left out: they say
 *                nothing about the file)
 *   timezones    the TZID of each VTIMEZONE
 *   events       for each VEVENT: uid, status, and for DTSTART and DTEND the Unix time,
 *                the TZID and the PHP zone sabre/vobject resolved it to (null when it
 *                could not resolve it with certainty), and whether it was written in UTC
 *
 * Which library is loaded: Composer's autoloader next to this file or in the
 * VOBJECT_AUTOLOAD environment variable if given, else the system's
 * (Debian's php-sabre-vobject, /usr/share/php/Sabre/VObject).
 */

error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
$autoloaders = array_filter(array(
    getenv('VOBJECT_AUTOLOAD') ?: null,
    __DIR__ . '/vendor/autoload.php',
    stream_resolve_include_path('Sabre/VObject/autoload.php') ?: null,
));
foreach ($autoloaders as $autoloader) {
    if (is_file($autoloader)) {
        require_once $autoloader;
        break;
    }
}
if (!class_exists('Sabre\\VObject\\Version')) {
    fwrite(STDERR, "sabre/vobject is not installed\n");
    exit(3);
}

$notices = array();
set_error_handler(function ($severity, $message, $file, $line) use (&$notices) {
    if ($severity & (E_DEPRECATED | E_USER_DEPRECATED)) {
        return true;
    }
    $notices[] = $message . ' (' . basename($file) . ':' . $line . ')';
    return true;
});

use Sabre\VObject;

if ($argc !== 2) {
    fwrite(STDERR, "usage: php vobject_check.php FILE.ics\n");
    exit(2);
}
$data = file_get_contents($argv[1]);
$result = array(
    'version' => VObject\Version::VERSION,
    'parse_error' => null,
    'warnings' => array(),
    'errors' => array(),
    'notices' => array(),
    'timezones' => array(),
    'events' => array(),
);

function instant($event, $name, $calendar) {
    if (!isset($event->$name)) {
        return null;
    }
    $property = $event->$name;
    $tzid = isset($property['TZID']) ? (string)$property['TZID'] : null;
    $zone = null;
    if ($tzid !== null) {
        try {
            $zone = VObject\TimeZoneUtil::getTimeZone($tzid, $calendar, true)->getName();
        } catch (InvalidArgumentException $e) {
            $zone = null;
        }
    }
    $when = $property->getDateTime();
    return array(
        'time' => $when === null ? null : $when->getTimestamp(),
        'tzid' => $tzid,
        'zone' => $zone,
        'has_time' => $property->hasTime(),
        'utc' => $property->getDateType() === VObject\Property\DateTime::UTC,
    );
}

try {
    $calendar = VObject\Reader::read($data);
} catch (Exception $e) {
    $calendar = null;
    $result['parse_error'] = get_class($e) . ': ' . $e->getMessage();
}

if ($calendar !== null) {
    foreach ($calendar->validate() as $warning) {
        $node = $warning['node'];
        $result['warnings'][] = array(
            'level' => $warning['level'],
            'message' => $warning['message'],
            'node' => $node->name,
        );
    }
    if ($calendar->name !== 'VCALENDAR') {
        $result['parse_error'] = 'the file holds a ' . $calendar->name . ', not a VCALENDAR';
    }
    foreach ($calendar->select('VTIMEZONE') as $timezone) {
        $result['timezones'][] = (string)$timezone->TZID;
    }
    foreach ($calendar->select('VEVENT') as $event) {
        $uid = isset($event->UID) ? (string)$event->UID : null;
        try {
            $result['events'][] = array(
                'uid' => $uid,
                'status' => isset($event->STATUS) ? (string)$event->STATUS : null,
                'summary' => isset($event->SUMMARY) ? (string)$event->SUMMARY : null,
                'start' => instant($event, 'DTSTART', $calendar),
                'end' => instant($event, 'DTEND', $calendar),
            );
        } catch (Exception $e) {
            $result['errors'][] = $uid . ': ' . get_class($e) . ': ' . $e->getMessage();
        }
    }
}

$result['notices'] = $notices;
echo json_encode($result, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
