-- qa_service_level: Service Level per 30-minute interval, channel and queue against the
-- channel's target, and per channel in total (level = 'channel', queue null: from the
-- summed counts of its queues; do not add them to the queue rows). Intervals and
-- call_date follow the pipeline's [scores] time_zone: interval_start is the instant
-- (UTC), interval_start_local the contact centre's wall clock, and minute_of_day
-- (0-1410) is read from it, so a BI tool can pool the same local interval across days.
-- gap_to_target < 0 means below target. service_level is null where undefined (no
-- contact, or only short abandons).
-- requires: service_level
create or replace view qa_service_level as
select
    call_date,
    interval_start,
    interval_start_local,
    hour(interval_start_local) * 60 + minute(interval_start_local) as minute_of_day,
    level,
    channel,
    queue,
    offered,
    answered,
    answered_within_threshold,
    abandoned,
    abandoned_short,
    service_level,
    target,
    service_level - target                             as gap_to_target,
    meets_target,
    threshold_s,
    avg_answer_s
from service_level;
