"""Workbench scenarios (``/scenario/checkpoint_quiz.<i>/``), drawn from the source pages in the seeds.

The wording of questions is authored for the course; each ``source`` note names the passage it rests on.
"""

SESSION_1_CHECKPOINT = """\
<checkpoint_quiz display_name="Session 1 checkpoint" pass_ratio="0.8" max_attempts="3" weight="1"
                 shuffle="true" show_answers="after_pass_or_last_attempt" module_id="session-1-quiz">
  <question id="industry-driven" kind="single">
    <prompt>Who takes the lead role in an effective sector partnership?</prompt>
    <choice id="industry" correct="true"
            feedback="Yes: effective partnerships are industry-driven; industries identify needs and lead."
            >Industry</choice>
    <choice id="colleges" feedback="Education partners play a supportive role; they do not lead."
            >Community colleges</choice>
    <choice id="state" feedback="Government and workforce agencies support; they do not lead."
            >The state workforce agency</choice>
    <explanation>Effective sector partnerships are industry-driven and community-supported: industries
      identify their needs and assume the lead role in developing strategies.</explanation>
    <source>Sector Partnerships page: "Effective sector partnerships are industry-driven, meaning industries
      identify needs and assume the lead role..."</source>
  </question>
  <question id="stages" kind="multiple">
    <prompt>Which developmental stages do the state's sector partnership toolkits cover?</prompt>
    <choice id="planning" correct="true">Planning</choice>
    <choice id="emerging" correct="true">Emerging</choice>
    <choice id="sustaining" correct="true">Sustaining</choice>
    <choice id="scaling" feedback="Scaling is not one of the three toolkit stages.">Scaling</choice>
    <explanation>The toolkits prepare regions for the three developmental stages: planning, emerging and
      sustaining.</explanation>
    <source>Sector Partnerships page: toolkits for "the three developmental stages of planning, emerging,
      and sustaining sector partnerships".</source>
  </question>
  <question id="wioa" kind="true_false" answer="true">
    <prompt>The Workforce Innovation and Opportunity Act (WIOA) is a federal law passed in 2014.</prompt>
    <choice id="false"
            feedback="Look again at the Iowa Business Sector Partnerships page: WIOA dates from 2014."/>
    <explanation>WIOA, a federal law passed in 2014, gave state and local officials and business-led
      workforce boards the task of building integrated plans.</explanation>
    <source>Iowa Business Sector Partnerships page, the section on the 2022 move to Iowa Workforce
      Development.</source>
  </question>
</checkpoint_quiz>
"""

SCENARIOS = (("Checkpoint quiz: Session 1 checkpoint", SESSION_1_CHECKPOINT),)
