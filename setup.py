"""Facilitator training for Next Generation Sector Partnerships: Open edX XBlocks, course and tools."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent

BLOCKS = {
    "chaptered_video": "xblocks.chaptered_video:ChapteredVideoBlock",
    "checkpoint_quiz": "xblocks.checkpoint_quiz:CheckpointQuizBlock",
    "stage_toolkit": "xblocks.stage_toolkit:StageToolkitBlock",
    "facilitator_progress": "xblocks.facilitator_progress:FacilitatorProgressBlock",
}

# Tools for trainers, operators and developers: never installed into the LMS by the blocks themselves.
COURSE = ["markdown-it-py>=3", "ruamel.yaml>=0.18"]
# Open edX's completion store, keys and event tracker: the preview runs the LMS's completion loop with them.
OPENEDX = ["edx-completion>=4.7.11", "edx-opaque-keys>=3.0.0", "event-tracking>=3.0.0"]
PREVIEW = ["xblock-sdk>=0.14", "XBlock[django]>=5.2.0", "Django>=4.2", *OPENEDX, *COURSE]
MEDIA = ["ffmpeg-python>=0.2.0", "imageio-ffmpeg>=0.5"]
XAPI = ["edx-event-routing-backends>=9.3", "edx-opaque-keys>=3.0.0"]
EXTRAS = {
    "course": COURSE,  # validate, build, import, schema
    "preview": PREVIEW,  # the workbench preview
    "media": MEDIA,  # media doctor | check | stand-ins | prepare
    "trainer": sorted({*COURSE, *PREVIEW, *MEDIA}),
    "xapi": XAPI,  # xAPI statements through event-routing-backends (an LMS plugin app)
    "test": [
        "pytest>=8",
        "pytest-django>=4.8",
        "hypothesis>=6.100",
        "selenium>=4.20",
        "ruff>=0.6",
        "jsonschema>=4.0",
        "ralph-malph[cli,lrs]>=5.0",
        "bcrypt>=4.1",
        "requests>=2.31",
        *PREVIEW,
        *MEDIA,
        *XAPI,
    ],
    "bench": ["pandas>=2.0"],
}

setup(
    name="facilitator-course",
    version="0.1.0",
    description=__doc__,
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    packages=find_packages(include=["xblocks*", "course*", "media_manifest*", "scripts*"]),
    include_package_data=True,
    package_data={
        "": [
            "templates/*.html",
            "templates/*/*.html",
            "static/*/*",
            "static/*/*/*",
            "public/*",
            "public/*/*",
            "*.yaml",
            "content/*",
            "content/*/*",
            "content/*/*/*",
        ],
    },
    # Only what the four blocks need inside the LMS and Studio, with lower bounds that admit the pins of
    # the Open edX releases in constraints/ (Teak, Ulmo, Verawood, newest). No web-fragments: XBlock 5.x-6.1
    # require it themselves and XBlock >= 6.2 carries the package inside its own distribution.
    install_requires=[
        "XBlock>=5.2.0",
        "WebOb>=1.8.9",
        "lxml>=5.3.2",
        "Jinja2>=3.1",
        "nh3>=0.2.14",
        "PyYAML>=6.0",
        "orjson>=3.9",
    ],
    extras_require=EXTRAS,
    entry_points={
        "xblock.v1": [f"{tag} = {target}" for tag, target in BLOCKS.items()],
        "console_scripts": ["facilitator-course = scripts.cli:main"],
        # The xAPI app: the LMS loads it as a plugin; it does nothing without edx-event-routing-backends.
        "lms.djangoapp": ["facilitator_xapi = xblocks.xapi.apps:FacilitatorXapiConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
