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
    install_requires=[
        "XBlock[django]>=6.1",
        "xblock-sdk>=0.14",
        "Django>=4.2",
        "WebOb>=1.8",
        "web-fragments>=2.0",
        "Jinja2>=3.1",
        "nh3>=0.2.14",
        "PyYAML>=6.0",
        "lxml>=5.0",
        "ffmpeg-python>=0.2.0",
        "imageio-ffmpeg>=0.5",
        "orjson>=3.9",
        "markdown-it-py>=3",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "hypothesis>=6.100",
            "selenium>=4.20",
            "ruff>=0.6",
        ],
        "bench": ["pandas>=2.0"],
    },
    entry_points={
        "xblock.v1": [f"{tag} = {target}" for tag, target in BLOCKS.items()],
        "console_scripts": ["facilitator-course = scripts.cli:main"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
