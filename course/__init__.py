"""The facilitator course: YAML source in ``content/``, checked and compiled to an Open edX course export.

``source`` reads the YAML into a model, ``validate`` checks every reference, ``olx`` writes the OLX tree,
``preview`` the whole-course workbench scenario, ``build`` the files and the tarball, ``cli`` the commands.
"""
