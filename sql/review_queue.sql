-- qa_review_queue: the calls QA should listen to, ranked per day, with the call's
-- duration and the measures behind the usual reasons. p_detractor: for an unrated call,
-- the probability its rating would be a detractor's.
-- requires: review_queue, calls
create or replace view qa_review_queue as
select
    r.call_date,
    r.rank,
    r.priority,
    r.reasons,
    r.call_id,
    r.operator_id,
    r.started_at,
    c.duration_s,
    r.rating,
    r.rating_scale,
    r.predicted_rating,
    r.p_detractor,
    r.process_score,
    r.smile_speech_score,
    c.operator_interruptions,
    c.vague_answers,
    c.long_pauses,
    c.customer_anger_share
from review_queue r
left join calls c on c.call_id = r.call_id;
