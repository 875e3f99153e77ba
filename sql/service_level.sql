-- qa_service_level: Service Level per 30-minute interval, channel and queue against the
-- channel's target. gap_to_target < 0 means below target; minute_of_day (0-1410) lets a
-- BI tool pool the same interval across days. service_level is null where undefined
-- (no contact, or only short abandons).
-- requires: service_level
create or replace view qa_service_level as
select
    call_date,
    interval_start,
    hour(interval_start) * 60 + minute(interval_start) as minute_of_day,
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
