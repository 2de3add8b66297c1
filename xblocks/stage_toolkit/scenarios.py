"""The preview's scenario: the planning stage toolkit.

Drawn from the source pages (/work/shared/seeds): the three developmental stages (planning, emerging,
sustaining); Session 2's first three steps to launch (Building Your Regional Support Team, Defining the
Scope of Industry Focus, Preparing to Launch); partnerships that are industry-driven and
community-supported, with education, workforce, economic and community organizations in supportive roles,
working in labor market regions rather than municipal or county lines; the "Sector Partnership Report"
and "National Governors Association Publications" as supplemental material.

AUTHORED for the course (not in the pages): the advice wording of each step, the checklist and
reflection wording, which chapter of Session 2 teaches the support team (chapter 2: chapter times are
estimated until checked against the recording), the report's file name in /static/ and the NGA address.
The scenario carries the same note as an XML comment.
"""

PLANNING_TOOLKIT = """\
<!-- Authored for the course: step advice, checklist and reflection wording, the chapter link and the
     resource addresses go beyond the source pages (see xblocks/stage_toolkit/scenarios.py). -->
<stage_toolkit display_name="Planning stage toolkit" stage="planning" module_id="toolkit-planning">
  <overview>
    <p>Planning is the first of the three developmental stages of a sector partnership: planning,
    emerging and sustaining. It is the work done before business leaders meet: getting partners ready
    to support a partnership that <strong>industry will drive</strong> and the community will support.</p>
    <p>Session 2 walks through the first three steps to launch: building your regional support team,
    defining the scope of industry focus, and preparing to launch.</p>
  </overview>
  <step id="support-team" title="Build your regional support team" session="session-2" chapter="2">
    <p>Bring together the education, workforce, economic development and community organizations of
    your labor market region. They play <em>supportive</em> roles: the industry leads.</p>
  </step>
  <step id="industry-focus" title="Define the scope of industry focus" session="session-2">
    <p>Use labor market data to choose an industry with shared needs across the region, without
    stopping at municipal, county or school district lines.</p>
  </step>
  <step id="prepare-launch" title="Prepare to launch" session="session-2">
    <p>Invite business leaders from the chosen industry to a launch meeting where they, not the support
    team, set the priorities.</p>
  </step>
  <resource id="sector-report" title="Sector partnership report" href="/static/sector-partnership-report.pdf"
            kind="pdf"/>
  <resource id="nga" title="National Governors Association publications"
            href="https://www.nga.org/publications/" kind="link"/>
  <checklist_item id="team-agreed">Education, workforce and economic development partners have agreed to
    support the partnership as a regional team</checklist_item>
  <checklist_item id="region">The labor market region is defined, beyond municipal and county
    lines</checklist_item>
  <checklist_item id="industry">One industry with shared needs is chosen, from regional
    data</checklist_item>
  <checklist_item id="invitations">Business leaders from that industry are invited to lead the
    launch</checklist_item>
  <reflection id="industry-scope" prompt="Which industry will your partnership focus on, and why?"
              max_length="2000" required="true"/>
</stage_toolkit>
"""


def workbench_scenarios():
    """``(title, xml)`` pairs; scenario 0 is the planning stage toolkit."""
    return [("Stage toolkit: planning", PLANNING_TOOLKIT)]
