module engagebot

go 1.26
