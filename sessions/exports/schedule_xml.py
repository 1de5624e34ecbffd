"""The schedule as frab schedule.xml (schedule.xml.xsd)."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from .schedule import conference_data, event_data, schedule_url


def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def schedule_xml(schedule, absolute):
    root = ET.Element("schedule")
    _sub(root, "generator", name="eventsite", system=urlsplit(absolute("/")).netloc)
    _sub(root, "url", absolute(schedule_url(schedule.event, "xml")))
    _sub(root, "version", schedule.version)
    conference = conference_data(schedule, absolute)
    node = _sub(root, "conference")
    for key in ("title", "acronym", "start", "end"):
        _sub(node, key, conference[key])
    _sub(node, "days", conference["daysCount"])
    _sub(node, "timeslot_duration", conference["timeslot_duration"])
    _sub(node, "base_url", absolute("/"))
    _sub(node, "url", conference["url"])
    if schedule.time_zone:
        _sub(node, "time_zone_name", schedule.time_zone)
    for day in schedule.days:
        day_node = _sub(
            root,
            "day",
            index=day.index,
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for name, agendas in day.rooms.items():
            room_node = _sub(day_node, "room", name=name)
            for agenda in agendas:
                data = event_data(schedule, agenda, absolute)
                event = _sub(room_node, "event", guid=data["guid"], id=data["id"])
                for key in ("room", "title", "subtitle", "type", "date", "start", "duration"):
                    if data[key] is not None:
                        _sub(event, key, data[key])
                _sub(event, "abstract", data["abstract"])
                _sub(event, "track", "")
                _sub(event, "language", data["language"])
                _sub(event, "description", data["description"])
                persons = _sub(event, "persons")
                for person in data["persons"]:
                    _sub(persons, "person", person["name"], id=person["id"], guid=person["guid"])
                _sub(event, "url", data["url"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
