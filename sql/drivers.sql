-- qa_drivers: the latest drivers analysis (the partition of the last scored day): how
-- much each element of the standard and each acoustic measure is associated with the
-- 0-10 rating, within operators (operator fixed effects) and net of the other elements,
-- call complexity and survey type (`controls`), with its interval from the wild cluster
-- bootstrap by operator. verdict: proven (keep) / no_effect (interval inside
-- +-equivalence_margin: drop) / inconclusive (collect more data) / too_few_data;
-- `no_evidence` from outputs of older versions reads as inconclusive. `direction` is
-- 'unclear' whenever the interval is missing or spans 0.
-- requires: drivers
create or replace view qa_drivers as
select
    element,
    kind,
    unit,
    n,
    operators,
    effect,
    ci_lo,
    ci_hi,
    effect_per_sd,
    std_error,
    p_value,
    p_value_holm,
    case when verdict = 'no_evidence' then 'inconclusive' else verdict end as verdict,
    verdict = 'proven'                                   as proven,
    verdict = 'no_effect'                                as no_effect,
    case when ci_lo > 0 then 'positive'
         when ci_hi < 0 then 'negative'
         else 'unclear' end                              as direction,
    recommendation,
    note,
    controls,
    equivalence_margin,
    method,
    model_r2,
    rated_calls,
    period_start,
    period_end,
    call_date                                            as analysed_on
from drivers
where call_date = (select max(call_date) from drivers);
