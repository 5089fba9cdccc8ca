"""Hiring pipeline routers (seed 003)."""

from fastapi import APIRouter

router = APIRouter()
