-- qa_operator_scorecard: one row per operator over the whole period (operator_id null
-- groups calls without one): volume, the mean scores of `callqa score`, NPS of the
-- nps10-rated calls (-100..100; csat5 ratings are not NPS and count in mean_rating_10
-- only), the expected number of detractors among the unrated calls (sum of their
-- P(detractor)) and the share of calls with each element (0-1). concrete_answer_rate
-- divides by the questions asked (see qa_daily_calls).
-- Filter a period in the BI tool with first_day / last_day, or copy the view and add a
-- `where c.call_date between ...`.
-- requires: calls, scores
create or replace view qa_operator_scorecard as
select
    c.operator_id,
    min(c.call_date)                                                          as first_day,
    max(c.call_date)                                                          as last_day,
    count(*)                                                                  as calls,
    sum(c.duration_s) / 3600.0                                                as audio_hours,
    avg(s.smile_speech_score)                                                 as mean_smile_speech_score,
    avg(s.smile_score)                                                        as mean_smile_score,
    avg(s.speech_score)                                                       as mean_speech_score,
    avg(s.process_score)                                                      as mean_process_score,
    count(s.rating)                                                           as rated_calls,
    avg(s.rating_10)                                                          as mean_rating_10,
    count(*) filter (where s.rating_scale = 'nps10')                          as nps_calls,
    100.0 * (count(*) filter (where s.rating_scale = 'nps10' and s.nps_class = 'promoter')
           - count(*) filter (where s.rating_scale = 'nps10' and s.nps_class = 'detractor'))
        / nullif(count(*) filter (where s.rating_scale = 'nps10'), 0)         as nps,
    sum(case when s.predicted_nps_class = 'detractor' then 1 else 0 end)      as predicted_detractors,
    sum(s.p_detractor)                                                        as expected_detractors,
    avg(case when c.greeting then 1.0 when c.greeting is not null then 0.0 end) as greeting_rate,
    avg(case when c.self_introduction then 1.0 when c.self_introduction is not null then 0.0 end) as self_introduction_rate,
    avg(case when c.thanks then 1.0 when c.thanks is not null then 0.0 end)   as thanks_rate,
    avg(case when c.survey_offer then 1.0 when c.survey_offer is not null then 0.0 end) as survey_offer_rate,
    avg(case when c.farewell then 1.0 when c.farewell is not null then 0.0 end) as farewell_rate,
    avg(case when c.operator_interruptions = 0 then 1.0
             when c.operator_interruptions > 0 then 0.0 end)                  as no_interruptions_rate,
    avg(case when c.long_pauses = 0 then 1.0 when c.long_pauses > 0 then 0.0 end) as no_long_pauses_rate,
    sum(case when c.vague_answers is not null then c.concrete_answers end) * 1.0
        / nullif(sum(greatest(coalesce(c.customer_questions, 0),
                              c.concrete_answers + c.vague_answers)), 0)      as concrete_answer_rate
from calls c
left join scores s on s.call_id = c.call_id
group by c.operator_id;
