-- qa_drivers: the latest drivers analysis (the partition of the last scored day): the
-- effect of each element of the standard and each acoustic measure on the 0-10 rating,
-- with its 95 % bootstrap interval, `proven` as a boolean and the interval's direction.
-- requires: drivers
create or replace view qa_drivers as
select
    element,
    kind,
    unit,
    n,
    effect,
    ci_lo,
    ci_hi,
    effect_per_sd,
    p_value_holm,
    verdict,
    verdict = 'proven'                                   as proven,
    case when ci_lo > 0 then 'positive'
         when ci_hi < 0 then 'negative'
         else 'unclear' end                              as direction,
    recommendation,
    note,
    model_r2,
    rated_calls,
    period_start,
    period_end,
    call_date                                            as analysed_on
from drivers
where call_date = (select max(call_date) from drivers);
