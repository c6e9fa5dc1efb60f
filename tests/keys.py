"""Keys and a known run, shared by the in-process and pseudo-terminal quiz tests."""

ENTER = "\r"
SPACE = " "
DOWN = "\x1b[B"
UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"

# The first choice at every prompt of the shipped pack, from a fresh start: a student's run
# (so no production_experience question).
FIRST_CHOICES = {
    "background": ("student",),
    "goal": ("first_portfolio",),
    "work_style": ("ship_fast",),
    "interests": ("prompt_design",),
    "deployment": ("simple_hosting",),
    "model_depth": ("application_level",),
    "first_project": ("study_assistant",),
}
