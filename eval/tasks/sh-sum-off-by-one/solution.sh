sed -i 's/$(($1 - 1))/$1/' sum.sh
