// Read an iCalendar file on stdin the way Thunderbird's engine (ical.js) does and
// print, as JSON, what it sees of each event: the instants in UTC, the texts, the zone.
// Usage: node tests/js/ical_check.mjs < calendar.ics
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

function utc(time) {
  // toJSDate() goes through the zone's offsets, as a calendar view does.
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

function zoneOf(time) {
  return time.zone ? time.zone.tzid : null;
}

const calendar = new ICAL.Component(ICAL.parse(text));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    start_zone: zoneOf(event.startDate),
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
  };
});
process.stdout.write(JSON.stringify({
  name: calendar.getFirstPropertyValue("name"),
  timezones: calendar.getAllSubcomponents("vtimezone").map((zone) => zone.getFirstPropertyValue("tzid")),
  events,
}));
