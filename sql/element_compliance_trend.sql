-- qa_element_compliance_trend: long format, one row per day, operator and element of the
-- standard, ready for a line chart or a heat map (pivot on element). `observations` are
-- the calls where the element is known; for concrete_answers they are the questions
-- asked (the larger of customer_questions and concrete + vague answers, so an
-- unanswered question counts against it) and `compliant` the concrete answers. rate = compliant /
-- observations (0-1, null without observations). Sum observations and compliant before
-- dividing when rolling up to weeks or to the whole team.
-- requires: calls
create or replace view qa_element_compliance_trend as
with e as (
    select call_date, operator_id, 'greeting' as element,
           case when greeting then 1 else 0 end as compliant,
           case when greeting is null then 0 else 1 end as observations
    from calls
    union all
    select call_date, operator_id, 'self_introduction',
           case when self_introduction then 1 else 0 end,
           case when self_introduction is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'thanks',
           case when thanks then 1 else 0 end, case when thanks is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'survey_offer',
           case when survey_offer then 1 else 0 end, case when survey_offer is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'farewell',
           case when farewell then 1 else 0 end, case when farewell is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'no_interruptions',
           case when operator_interruptions = 0 then 1 else 0 end,
           case when operator_interruptions is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'no_long_pauses',
           case when long_pauses = 0 then 1 else 0 end,
           case when long_pauses is null then 0 else 1 end
    from calls
    union all
    select call_date, operator_id, 'concrete_answers',
           coalesce(concrete_answers, 0),
           greatest(coalesce(customer_questions, 0),
                    coalesce(concrete_answers, 0) + coalesce(vague_answers, 0))
    from calls
)
select
    call_date,
    operator_id,
    element,
    sum(observations)                                   as observations,
    sum(compliant)                                      as compliant,
    sum(compliant) * 1.0 / nullif(sum(observations), 0) as rate
from e
group by call_date, operator_id, element;
