"""The schedule as frab/c3voc JSON (schedule.schema.json)."""

import json

from .schedule import conference_data, event_data


def schedule_json(schedule, absolute):
    conference = conference_data(schedule, absolute)
    conference["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {
                name: [event_data(schedule, agenda, absolute) for agenda in agendas]
                for name, agendas in day.rooms.items()
            },
        }
        for day in schedule.days
    ]
    data = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "eventsite", "url": absolute("/")},
        "schedule": {
            "version": schedule.version,
            "base_url": absolute("/"),
            "conference": conference,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()
