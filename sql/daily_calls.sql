-- qa_daily_calls: one row per day. Volume, audio hours, the share of calls with each
-- element of the standard and the mean acoustic measures. Rates are 0-1.
-- concrete_answer_rate = concrete answers / questions asked, where a call's questions
-- are the larger of customer_questions and concrete + vague answers: a question left
-- unanswered counts against it (5 questions, 1 concrete answer: 0.2, not 1.0).
-- call_date is the UTC day of the calls table.
-- requires: calls
create or replace view qa_daily_calls as
select
    call_date,
    count(*)                                                                  as calls,
    count(distinct operator_id)                                               as operators,
    sum(duration_s) / 3600.0                                                  as audio_hours,
    avg(duration_s)                                                           as mean_duration_s,
    avg(case when greeting then 1.0 when greeting is not null then 0.0 end)   as greeting_rate,
    avg(case when self_introduction then 1.0 when self_introduction is not null then 0.0 end) as self_introduction_rate,
    avg(case when thanks then 1.0 when thanks is not null then 0.0 end)       as thanks_rate,
    avg(case when survey_offer then 1.0 when survey_offer is not null then 0.0 end) as survey_offer_rate,
    avg(case when farewell then 1.0 when farewell is not null then 0.0 end)   as farewell_rate,
    avg(case when operator_interruptions = 0 then 1.0
             when operator_interruptions > 0 then 0.0 end)                    as no_interruptions_rate,
    avg(case when long_pauses = 0 then 1.0 when long_pauses > 0 then 0.0 end) as no_long_pauses_rate,
    sum(case when vague_answers is not null then concrete_answers end) * 1.0
        / nullif(sum(greatest(coalesce(customer_questions, 0),
                              concrete_answers + vague_answers)), 0)          as concrete_answer_rate,
    avg(operator_smile_index)                                                 as mean_operator_smile_index,
    avg(customer_anger_share)                                                 as mean_customer_anger_share
from calls
group by call_date;
