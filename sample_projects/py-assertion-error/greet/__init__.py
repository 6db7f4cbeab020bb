from greet.core import greeting, shout
